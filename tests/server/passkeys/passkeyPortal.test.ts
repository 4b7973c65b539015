import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishOfficerPasskeyRegistration, startOfficerPasskeyRegistration } from '../../../server/passkeys/officerPasskeys.js';
import { AMINAH } from '../../helpers/api.js';
import { cli, CLI_TEST_TIMEOUT_MS } from '../../helpers/cli.js';
import { SoftAuthenticator } from '../../helpers/softAuthenticator.js';
import { reopenDb, startTestServer, type TestServer } from '../../helpers/testServices.js';
import { addAgency, Browser, signInNewAdmin, signInOfficer } from '../portal/browser.js';
import { registerDevice } from '../mobile/helpers.js';
import { call } from '../../helpers/api.js';

const RP = { id: 'localhost', origin: 'http://localhost:8787' };
let server: TestServer;
let key: SoftAuthenticator;

beforeEach(async () => {
  server = await startTestServer();
  key = new SoftAuthenticator(RP);
});
afterEach(() => server.close());

async function registerDirectly() {
  const started = await startOfficerPasskeyRegistration(server.services, AMINAH.nric, AMINAH.pin);
  return finishOfficerPasskeyRegistration(server.services, AMINAH.nric, { challengeId: started.challengeId, response: key.create(started.options), name: 'Telefon' });
}

const subjects = async (to: string) => (await server.services.db.all<{ subject: string }>('select subject from outbox where address = ? order by id', to)).map((r) => r.subject);
const json = (page: { text: string }) => JSON.parse(page.text) as { challengeId?: string; options?: { challenge: string }; redirect?: string; error?: { code: string; message: string } };

describe('the officer portal', () => {
  it('adds a passkey after the PIN, lists, renames and removes it; each change is audited and e-mailed', async () => {
    const officer = await signInOfficer(server, AMINAH.nric);
    const page = await officer.get('/portal/passkeys');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.text).toContain('data-passkey="register"');
    expect((await officer.get('/portal/passkeys.js')).text.length).toBeGreaterThan(1000);

    const wrongPin = await officer.post('/portal/passkeys/options', { pin: '999999' });
    expect(wrongPin.status).toBe(401);
    expect(json(wrongPin).error?.code).toBe('pin_invalid');
    const started = json(await officer.post('/portal/passkeys/options', { pin: AMINAH.pin }));
    const finished = await officer.post('/portal/passkeys', { challengeId: started.challengeId!, name: 'Komputer pejabat', response: JSON.stringify(key.create(started.options!)) });
    expect(finished.status, finished.text).toBe(200);
    expect(json(finished).redirect).toBe('/portal/passkeys?ok=passkey_added');

    const id = key.credentials[0]!.id.toString('base64url');
    expect((await officer.get('/portal/passkeys')).text).toContain(`data-passkey-id="${id}" data-status="active"`);
    expect((await officer.post(`/portal/passkeys/${id}/rename`, { name: 'Laptop' })).location).toBe('/portal/passkeys?ok=passkey_renamed');
    expect((await officer.post(`/portal/passkeys/${id}/remove`, {})).location).toBe('/portal/passkeys?ok=passkey_removed');
    expect((await officer.get('/portal/passkeys')).text).toContain(`data-passkey-id="${id}" data-status="revoked"`);

    const actions = (await server.services.db.all<{ action: string }>("select action from audit_log where action like 'passkey.%' order by seq")).map((r) => r.action);
    expect(actions).toEqual(['passkey.pin_failed', 'passkey.registered', 'passkey.renamed', 'passkey.removed']);
    const mail = await subjects(AMINAH.email);
    for (const word of ['registered', 'renamed', 'removed']) expect(mail.some((s) => s.includes(`passkey ${word}`))).toBe(true);
  });

  it('refuses a registration from another origin (malformed attestation or wrong origin changes nothing)', async () => {
    const officer = await signInOfficer(server, AMINAH.nric);
    const started = json(await officer.post('/portal/passkeys/options', { pin: AMINAH.pin }));
    const wrong = await officer.post('/portal/passkeys', { challengeId: started.challengeId!, name: 'x', response: JSON.stringify(key.create(started.options!, { origin: 'https://evil.example' })) });
    expect(wrong.status).toBe(401);
    expect(json(wrong).error?.code).toBe('passkey_origin_mismatch');
    const malformed = await officer.post('/portal/passkeys', { challengeId: started.challengeId!, name: 'x', response: '{' });
    expect(json(malformed).error?.code).toBe('passkey_malformed');
    expect((await server.services.db.all('select credential_id from passkeys')).length).toBe(0);
  });

  it('refuses a sign-in whose clientDataJSON decodes to null with a 4xx, not 500', async () => {
    await registerDirectly();
    const browser = new Browser(server);
    const started = json(await browser.post('/portal/sign-in/passkey/options', {}, { csrf: null }));
    const real = key.get(started.options!) as { response: Record<string, string> };
    const forged = { ...real, response: { ...real.response, clientDataJSON: Buffer.from('null').toString('base64url') } };
    const done = await browser.post('/portal/sign-in/passkey', { challengeId: started.challengeId!, response: JSON.stringify(forged) }, { csrf: null });
    expect(done.status, done.text).toBeGreaterThanOrEqual(400);
    expect(done.status, done.text).toBeLessThan(500);
    expect(json(done).error?.code).toBe('passkey_malformed');
  });

  it('signs an officer in with a passkey instead of the e-mailed code; the assertion cannot be replayed', async () => {
    await registerDirectly();
    const browser = new Browser(server);
    expect((await browser.get('/portal/sign-in')).text).toContain('data-passkey="sign-in"');
    const started = json(await browser.post('/portal/sign-in/passkey/options', {}, { csrf: null }));
    const assertion = JSON.stringify(key.get(started.options!));
    const done = await browser.post('/portal/sign-in/passkey', { challengeId: started.challengeId!, response: assertion }, { csrf: null });
    expect(done.status, done.text).toBe(200);
    expect(json(done).redirect).toBe('/portal');
    const home = await browser.get('/portal');
    expect(home.status).toBe(200);
    expect(home.text).toContain(AMINAH.nric);

    const replay = await new Browser(server).post('/portal/sign-in/passkey', { challengeId: started.challengeId!, response: assertion }, { csrf: null });
    expect(replay.status).toBe(409);
    expect(json(replay).error?.code).toBe('passkey_challenge_replayed');
    const signIns = await server.services.db.all<{ details: string }>("select details from audit_log where action = 'portal.signed_in'");
    expect(signIns.map((r) => JSON.parse(r.details).factor)).toEqual(['passkey']);
  });
});

describe('the administrator portal', () => {
  it("shows an officer's passkeys and revokes one: audited, e-mailed, refused from then on", async () => {
    await registerDirectly();
    const { browser, id: adminId } = await signInNewAdmin(server);
    const page = await browser.get(`/portal/admin/officers/${AMINAH.nric}/passkeys`);
    const credentialId = key.credentials[0]!.id.toString('base64url');
    expect(page.text).toContain(`data-passkey-id="${credentialId}" data-status="active"`);
    const revoked = await browser.post(`/portal/admin/officers/${AMINAH.nric}/passkeys/${credentialId}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect((await browser.get(`/portal/admin/officers/${AMINAH.nric}/passkeys`)).text).toContain('data-status="revoked"');
    const audit = await server.services.db.get<{ actor: string }>("select actor from audit_log where action = 'passkey.revoked'");
    expect(audit?.actor).toBe(`admin:${adminId}`);
    expect((await subjects(AMINAH.email)).some((s) => s.includes('passkey revoked'))).toBe(true);
  });

  it('keeps an agency administrator to its own agency', async () => {
    await registerDirectly();
    await addAgency(server, '2002', 'JANM Negeri Kedah');
    const { browser } = await signInNewAdmin(server, 'sap', '2002');
    expect((await browser.get(`/portal/admin/officers/${AMINAH.nric}/passkeys`)).status).toBe(403);
    const credentialId = key.credentials[0]!.id.toString('base64url');
    expect((await browser.post(`/portal/admin/officers/${AMINAH.nric}/passkeys/${credentialId}/revoke`, {})).status).toBe(403);
    expect((await browser.post('/portal/admin/passkey-policy', { scope: 'system', scopeId: 'igfmas', policy: 'otp' })).status).toBe(403);
    expect((await browser.post('/portal/admin/passkey-policy', { scope: 'agency', scopeId: '1009', policy: 'otp' })).status).toBe(403);
    expect((await browser.post('/portal/admin/passkey-policy', { scope: 'agency', scopeId: '2002', policy: 'passkey-required' })).status).toBe(303);
    expect(await server.services.db.all('select scope, scope_id, policy from passkey_policies')).toEqual([{ scope: 'agency', scope_id: '2002', policy: 'passkey-required' }]);
  });

  it('sets the policy per system; a bad value is refused and changes nothing', async () => {
    const { browser } = await signInNewAdmin(server);
    expect((await browser.get('/portal/admin/passkey-policy')).text).toContain('id="policy-system-igfmas"');
    expect((await browser.post('/portal/admin/passkey-policy', { scope: 'system', scopeId: 'igfmas', policy: 'sometimes' })).status).toBe(400);
    expect((await browser.post('/portal/admin/passkey-policy', { scope: 'system', scopeId: 'igfmas', policy: 'passkey-required' })).location).toBe('/portal/admin/passkey-policy?ok=policy');
    expect(await server.services.db.all('select scope, scope_id, policy from passkey_policies')).toEqual([{ scope: 'system', scope_id: 'igfmas', policy: 'passkey-required' }]);
  });
});

describe("an administrator's passkey as the second factor", () => {
  it('is offered on the code page only to an administrator who has one, and still after a wrong code', async () => {
    const { browser, nric } = await signInNewAdmin(server);
    const password = 'correct horse battery staple';
    const without = await new Browser(server).post('/portal/admin/sign-in', { nric, password }, { csrf: null });
    expect(without.status).toBe(200);
    expect(without.text).toContain('name="code"');
    expect(without.text).not.toContain('data-passkey="sign-in"');
    const started = json(await browser.post('/portal/admin/passkeys/options', { password }));
    await browser.post('/portal/admin/passkeys', { challengeId: started.challengeId!, name: 'YubiKey', response: JSON.stringify(key.create(started.options!)) });
    const fresh = new Browser(server);
    const withKey = await fresh.post('/portal/admin/sign-in', { nric, password }, { csrf: null });
    expect(withKey.text).toContain('data-passkey="sign-in"');
    const challengeId = /name="challengeId" value="([^"]+)"/.exec(withKey.text)![1]!;
    const wrongCode = await fresh.post('/portal/admin/sign-in/code', { challengeId, code: '000000', passkey: '1' }, { csrf: null });
    expect(wrongCode.status).toBe(401);
    expect(wrongCode.text).toContain('data-passkey="sign-in"');
  });

  it('is added after the password, then signs in in place of the e-mailed code, which dies with it', async () => {
    const { browser, nric } = await signInNewAdmin(server);
    expect((await browser.get('/portal/admin/passkeys')).text).toContain('data-secret="password"');
    const wrong = await browser.post('/portal/admin/passkeys/options', { password: 'wrong password here' });
    expect(wrong.status).toBe(401);
    const started = json(await browser.post('/portal/admin/passkeys/options', { password: 'correct horse battery staple' }));
    const added = await browser.post('/portal/admin/passkeys', { challengeId: started.challengeId!, name: 'YubiKey', response: JSON.stringify(key.create(started.options!)) });
    expect(json(added).redirect).toBe('/portal/admin/passkeys?ok=passkey_added');

    const fresh = new Browser(server);
    const step1 = await fresh.post('/portal/admin/sign-in', { nric, password: 'correct horse battery staple' }, { csrf: null });
    const pending = /data-pending="([^"]+)"/.exec(step1.text)![1]!;
    // Without the password step nothing is offered.
    expect((await fresh.post('/portal/admin/sign-in/passkey/options', { pending: 'ch_nothing' }, { csrf: null })).status).toBe(401);
    const options = json(await fresh.post('/portal/admin/sign-in/passkey/options', { pending }, { csrf: null }));
    const done = await fresh.post('/portal/admin/sign-in/passkey', { pending, challengeId: options.challengeId!, response: JSON.stringify(key.get(options.options!)) }, { csrf: null });
    expect(done.status, done.text).toBe(200);
    expect(json(done).redirect).toBe('/portal/admin');
    expect((await fresh.get('/portal/admin')).status).toBe(200);
    // The e-mailed code of the same sign-in is used up.
    const code = (await server.services.outbox.list(nric)).find((m) => m.otp)!.otp!;
    expect((await new Browser(server).post('/portal/admin/sign-in/code', { challengeId: pending, code }, { csrf: null })).status).toBe(401);
  });

  it("refuses an officer's passkey as an administrator's second factor", async () => {
    await registerDirectly();
    const { nric } = await signInNewAdmin(server);
    const fresh = new Browser(server);
    const step1 = await fresh.post('/portal/admin/sign-in', { nric, password: 'correct horse battery staple' }, { csrf: null });
    // This administrator has no passkey, so the page offers none; the routes are tried directly.
    const pending = /name="challengeId" value="([^"]+)"/.exec(step1.text)![1]!;
    const options = json(await fresh.post('/portal/admin/sign-in/passkey/options', { pending }, { csrf: null }));
    const refused = await fresh.post('/portal/admin/sign-in/passkey', { pending, challengeId: options.challengeId!, response: JSON.stringify(key.get(options.options!)) }, { csrf: null });
    expect(refused.status).toBe(401);
    expect(json(refused).error?.code).toBe('passkey_credential_unknown');
    expect((await fresh.get('/portal/admin')).status).toBe(303);
  });
});

describe('GPKI Mobile: the phone\'s platform passkey', () => {
  it('needs the device token and the PIN; asks for a platform authenticator; keeps the credential', async () => {
    const { secret } = await registerDevice(server);
    const auth = { Authorization: `Bearer ${secret}` };
    expect((await call(server, 'POST', '/api/v1/mobile/passkeys/options', { pin: AMINAH.pin })).status).toBe(401);
    const wrong = await call(server, 'POST', '/api/v1/mobile/passkeys/options', { pin: '999999' }, auth);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('pin_invalid');
    const started = await call(server, 'POST', '/api/v1/mobile/passkeys/options', { pin: AMINAH.pin }, auth);
    expect(started.status).toBe(200);
    expect(started.body.options.authenticatorSelection).toMatchObject({ authenticatorAttachment: 'platform', userVerification: 'required' });
    const uvMissing = await call(server, 'POST', '/api/v1/mobile/passkeys', { challengeId: started.body.challengeId, credential: key.create(started.body.options, { uv: false }) }, auth);
    expect(uvMissing.body.error.code).toBe('passkey_uv_missing');
    const real = key.create(started.body.options);
    const nullData = await call(server, 'POST', '/api/v1/mobile/passkeys', { challengeId: started.body.challengeId, credential: { ...real, response: { ...real.response, clientDataJSON: Buffer.from('null').toString('base64url') } } }, auth);
    expect(nullData.status, JSON.stringify(nullData.body)).toBe(400);
    expect(nullData.body.error.code).toBe('passkey_malformed');
    const added = await call(server, 'POST', '/api/v1/mobile/passkeys', { challengeId: started.body.challengeId, credential: key.create(started.body.options) }, auth);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.name).toBe('GPKI Mobile (Telefon ujian)');
  });

  it('a device label of the longest allowed length still names the passkey (cut to the passkey name limit)', async () => {
    const label = 'Telefon bimbit pejabat Jabatan Akauntan Negara Putrajaya 01';
    expect(label.length).toBeGreaterThan(46);
    const { secret } = await registerDevice(server, { label });
    const auth = { Authorization: `Bearer ${secret}` };
    const started = await call(server, 'POST', '/api/v1/mobile/passkeys/options', { pin: AMINAH.pin }, auth);
    const added = await call(server, 'POST', '/api/v1/mobile/passkeys', { challengeId: started.body.challengeId, credential: key.create(started.body.options) }, auth);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.name).toBe(`GPKI Mobile (${label}`.slice(0, 60).trimEnd());
  });

  it('a credential id longer than WebAuthn allows is malformed, not stored', async () => {
    const { secret } = await registerDevice(server);
    const auth = { Authorization: `Bearer ${secret}` };
    const started = await call(server, 'POST', '/api/v1/mobile/passkeys/options', { pin: AMINAH.pin }, auth);
    const credential = key.create(started.body.options) as { id: string; rawId: string };
    const long = 'A'.repeat(3000);
    const res = await call(server, 'POST', '/api/v1/mobile/passkeys', { challengeId: started.body.challengeId, credential: { ...credential, id: long, rawId: long } }, auth);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await server.services.db.all('select credential_id from passkeys')).length).toBe(0);
  });
});

describe('the ops CLI', () => {
  it(
    'shows and sets a passkey policy',
    async () => {
      await server.close();
      expect(cli(server.env, ['passkey-policy', 'system', 'igfmas', 'always']).code).toBe(2);
      const set = cli(server.env, ['passkey-policy', 'agency', '1009', 'passkey-required']);
      expect(set.code, set.out).toBe(0);
      expect(set.out).toContain('agency 1009: passkey-required');
      const db = await reopenDb(server);
      expect(await db.all('select scope, scope_id, policy, updated_by from passkey_policies')).toEqual([{ scope: 'agency', scope_id: '1009', policy: 'passkey-required', updated_by: 'cli' }]);
      await db.close();
      expect(cli(server.env, ['passkey-policy', 'agency', '1009', 'default']).out).toContain('default (otp-or-passkey)');
      server = await startTestServer({}, { dataDir: server.dataDir });
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
