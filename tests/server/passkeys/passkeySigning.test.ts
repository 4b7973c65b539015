import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepOnce } from '../../../server/cluster/sweeper.js';
import { setPasskeyPolicy } from '../../../server/passkeys/passkeyPolicy.js';
import { removePasskey } from '../../../server/passkeys/managePasskeys.js';
import { finishOfficerPasskeyRegistration, startOfficerPasskeyRegistration } from '../../../server/passkeys/officerPasskeys.js';
import { AMINAH, call, createRequest, documentBytes, latestOtp, sha256b64 } from '../../helpers/api.js';
import { cmsVerify } from '../../helpers/openssl.js';
import { SoftAuthenticator, type CeremonyFaults } from '../../helpers/softAuthenticator.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

const RP = { id: 'localhost', origin: 'http://localhost:8787' };
let server: TestServer;
let key: SoftAuthenticator;

async function register(authenticator: SoftAuthenticator, faults: CeremonyFaults = {}) {
  const started = await startOfficerPasskeyRegistration(server.services, AMINAH.nric, AMINAH.pin);
  return finishOfficerPasskeyRegistration(server.services, AMINAH.nric, { challengeId: started.challengeId, response: authenticator.create(started.options, faults), name: 'Laptop' });
}

async function offer(id: string) {
  const res = await call(server, 'POST', `/api/v1/signing-requests/${id}/passkey`);
  expect(res.status).toBe(200);
  return res.body as { policy: string; options: { challenge: string; rpId: string; allowCredentials: { id: string }[] } | null };
}

async function newRequest(docId = 'STH-2026-000123') {
  const created = await createRequest(server, { documents: [{ id: docId, digest: sha256b64(documentBytes(docId)) }] });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const completePasskey = (id: string, credential: unknown, pin: string = AMINAH.pin) => call(server, 'POST', `/api/v1/signing-requests/${id}/complete-passkey`, { pin, credential });

async function nothingSigned(id: string) {
  const row = await server.services.db.get<{ status: string }>('select status from signing_requests where id = ?', id);
  expect(row?.status).toBe('pending');
  expect((await server.services.db.all('select id from signatures where request_id = ?', id)).length).toBe(0);
}

async function auditActions(subject: string) {
  return (await server.services.db.all<{ action: string; details: string }>('select action, details from audit_log where subject = ? order by seq', subject)).map((r) => r.action);
}

beforeEach(async () => {
  server = await startTestServer();
  key = new SoftAuthenticator(RP);
});
afterEach(() => server.close());

describe('registering a passkey', () => {
  it('needs the PIN first, keeps the credential, audits it and e-mails the officer', async () => {
    await expect(startOfficerPasskeyRegistration(server.services, AMINAH.nric, '000000')).rejects.toMatchObject({ code: 'pin_invalid' });
    const started = await startOfficerPasskeyRegistration(server.services, AMINAH.nric, AMINAH.pin);
    expect(started.options.authenticatorSelection).toMatchObject({ residentKey: 'preferred', userVerification: 'required' });
    expect(started.options.rp.id).toBe('localhost');
    const passkey = await finishOfficerPasskeyRegistration(server.services, AMINAH.nric, { challengeId: started.challengeId, response: key.create(started.options), name: 'Laptop' });
    expect(passkey.status).toBe('active');
    expect(await auditActions(AMINAH.nric)).toContain('passkey.registered');
    const mail = await server.services.db.all<{ subject: string }>('select subject from outbox where address = ? order by id desc', AMINAH.email);
    expect(mail[0]?.subject).toMatch(/passkey registered/);
  });

  it.each([
    ['passkey_origin_mismatch', { origin: 'https://evil.example' }],
    ['passkey_rp_id_mismatch', { rpId: 'evil.example' }],
    ['passkey_uv_missing', { uv: false }],
  ] as const)('refuses an attestation with %s and keeps nothing', async (code, faults) => {
    await expect(register(key, faults)).rejects.toMatchObject({ code });
    expect((await server.services.db.all('select credential_id from passkeys')).length).toBe(0);
  });

  it('refuses malformed attestation JSON and a used registration challenge', async () => {
    const started = await startOfficerPasskeyRegistration(server.services, AMINAH.nric, AMINAH.pin);
    await expect(finishOfficerPasskeyRegistration(server.services, AMINAH.nric, { challengeId: started.challengeId, response: '{"id":', name: 'x' })).rejects.toMatchObject({ code: 'passkey_malformed' });
    const response = key.create(started.options);
    await finishOfficerPasskeyRegistration(server.services, AMINAH.nric, { challengeId: started.challengeId, response, name: 'x' });
    await expect(finishOfficerPasskeyRegistration(server.services, AMINAH.nric, { challengeId: started.challengeId, response: key.create(started.options), name: 'y' })).rejects.toMatchObject({
      code: 'passkey_challenge_replayed',
    });
  });
});

describe('signing with PIN + passkey', () => {
  it("from the extension's worker: the device token comes back in the header, as after an OTP signature", async () => {
    const EXTENSION = 'chrome-extension://apgnnmbkeccagmehfmhgimbpilbhclid';
    await server.close();
    server = await startTestServer({ ROAMSIGN_EXTENSION_ORIGINS: EXTENSION });
    key = new SoftAuthenticator(RP);
    await register(key);
    const worker = { Origin: EXTENSION, 'X-RoamSign-Page-Origin': 'https://igfmas.anm.gov.my' };
    const created = await call(server, 'POST', '/api/v1/signing-requests', { nric: AMINAH.nric, system: 'igfmas', documents: [{ id: 'STH-EXT-1', digest: sha256b64(documentBytes('STH-EXT-1')) }] }, worker);
    expect(created.status).toBe(201);
    const o = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/passkey`, undefined, worker);
    const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete-passkey`, { pin: AMINAH.pin, credential: key.get(o.body.options) }, worker);
    expect(done.status).toBe(200);
    expect(done.headers.get('X-RoamSign-Device')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(done.headers.get('set-cookie')).toBeNull();
  });

  it('signs with a challenge bound to the request; OpenSSL verifies; the credential and authenticator data are kept and audited', async () => {
    await register(key);
    const id = await newRequest();
    const o = await offer(id);
    expect(o.policy).toBe('otp-or-passkey');
    expect(o.options?.rpId).toBe('localhost');
    expect(Buffer.from(o.options!.challenge, 'base64url').length).toBe(64);
    const done = await completePasskey(id, key.get(o.options!));
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('signed');
    const caPem = await (await server.app.request('/ca.pem')).text();
    const verified = cmsVerify({ signature: Buffer.from(done.body.signatures[0].signature, 'base64'), content: documentBytes('STH-2026-000123'), caPem });
    expect(verified.ok, verified.output).toBe(true);
    const kept = await server.services.db.get<{ credential_id: string }>('select credential_id from signing_passkeys where request_id = ?', id);
    expect(kept?.credential_id).toBe(key.credentials[0]!.id.toString('base64url'));
    const actions = await auditActions(id);
    expect(actions).toContain('passkey.consumed');
    const signed = await server.services.db.get<{ details: string }>("select details from audit_log where subject = ? and action = 'request.signed'", id);
    expect(JSON.parse(signed!.details)).toMatchObject({ factor: 'passkey', credentialId: kept!.credential_id });

    // The verification report names the passkey that signed.
    const report = await call(server, 'POST', '/api/v1/verify', { signature: done.body.signatures[0].signature, content: documentBytes('STH-2026-000123').toString('base64') });
    expect(report.status).toBe(200);
    expect(report.body.passkey).toMatchObject({ credentialId: kept!.credential_id });
  });

  it('offers no passkey to an officer without one', async () => {
    const id = await newRequest();
    expect((await offer(id)).options).toBeNull();
  });

  it('checks the PIN too (counted), and a wrong PIN uses the challenge: the same assertion again is a replay', async () => {
    await register(key);
    const id = await newRequest();
    const assertion = key.get((await offer(id)).options!);
    const wrong = await completePasskey(id, assertion, '999999');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('pin_invalid');
    const replay = await completePasskey(id, assertion);
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('passkey_challenge_replayed');
    await nothingSigned(id);
  });

  it("refuses another request's challenge", async () => {
    await register(key);
    const a = await newRequest('STH-2026-000001');
    const b = await newRequest('STH-2026-000002');
    const forB = (await offer(b)).options!;
    await offer(a);
    const res = await completePasskey(a, key.get(forB));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('passkey_challenge_mismatch');
    await nothingSigned(a);
  });

  it.each([
    ['passkey_origin_mismatch', 401, { origin: 'https://evil.example' }],
    // A framed ceremony under a page other than the one that created the request.
    ['passkey_origin_mismatch', 401, { topOrigin: 'https://evil.example' }],
    ['passkey_rp_id_mismatch', 401, { rpId: 'evil.example' }],
    ['passkey_uv_missing', 401, { uv: false }],
  ] as const)('refuses %s and signs nothing', async (code, status, faults) => {
    await register(key);
    const id = await newRequest();
    const res = await completePasskey(id, key.get((await offer(id)).options!, faults));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    await nothingSigned(id);
  });

  it.each([
    ['not an object', 'nonsense'],
    ['missing response', { id: 'abc', rawId: 'abc', type: 'public-key' }],
    ['bad base64url', { id: 'a b', rawId: 'abc', type: 'public-key', response: { clientDataJSON: '!!', authenticatorData: 'x', signature: 'y' } }],
  ])('refuses a malformed assertion (%s) with passkey_malformed', async (_name, credential) => {
    await register(key);
    const id = await newRequest();
    await offer(id);
    const res = await completePasskey(id, credential);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('passkey_malformed');
    await nothingSigned(id);
  });

  it.each(['null', '1', '[]', '"webauthn.get"'])('refuses clientDataJSON that decodes to %s (not an object) with passkey_malformed, not 500', async (inner) => {
    await register(key);
    const id = await newRequest();
    const real = key.get((await offer(id)).options!) as { response: Record<string, string> };
    const res = await completePasskey(id, { ...real, response: { ...real.response, clientDataJSON: Buffer.from(inner).toString('base64url') } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('passkey_malformed');
    await nothingSigned(id);
  });

  it('refuses an unknown credential and a removed one', async () => {
    await register(key);
    const stranger = new SoftAuthenticator(RP);
    stranger.create({ challenge: 'AAAA' }); // a key never registered with RoamSign
    const id = await newRequest();
    const unknown = await completePasskey(id, stranger.get((await offer(id)).options!));
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('passkey_credential_unknown');

    await removePasskey(server.services, { type: 'officer', id: AMINAH.nric }, key.credentials[0]!.id.toString('base64url'));
    expect(await auditActions(AMINAH.nric)).toContain('passkey.removed');
    // No live passkey: nothing is offered, and an assertion from the removed one is refused.
    expect((await offer(id)).options).toBeNull();
    const removed = await completePasskey(id, key.get({ challenge: 'AAAA' }));
    expect(removed.body.error.code).toBe('passkey_credential_unknown');
    await nothingSigned(id);
  });

  it('suspends a credential whose counter goes backwards, audits it, and refuses it from then on', async () => {
    await register(key);
    const first = await newRequest('STH-2026-000001');
    expect((await completePasskey(first, key.get((await offer(first)).options!))).status).toBe(200);
    const second = await newRequest('STH-2026-000002');
    const cloned = await completePasskey(second, key.get((await offer(second)).options!, { counter: 1 }));
    expect(cloned.status).toBe(401);
    expect(cloned.body.error.code).toBe('passkey_counter_regression');
    await nothingSigned(second);
    const status = await server.services.db.get<{ status: string; status_reason: string }>('select status, status_reason from passkeys');
    expect(status).toEqual({ status: 'suspended', status_reason: 'counter_regression' });
    expect(await auditActions(AMINAH.nric)).toContain('passkey.suspended');
    const mail = await server.services.db.all<{ subject: string }>('select subject from outbox where address = ? order by id desc', AMINAH.email);
    expect(mail[0]?.subject).toMatch(/passkey suspended/);
    expect((await offer(second)).options).toBeNull();
  });
});

describe('a cloned passkey used at the same moment as the original', () => {
  it('cannot sign twice with one counter: at most one signs, and the credential is suspended', async () => {
    await register(key);
    const a = await newRequest('STH-2026-000011');
    const b = await newRequest('STH-2026-000012');
    const [offerA, offerB] = [await offer(a), await offer(b)];
    // Both assertions carry the same counter, as an authenticator and its clone would.
    const [ra, rb] = await Promise.all([completePasskey(a, key.get(offerA.options!, { counter: 7 })), completePasskey(b, key.get(offerB.options!, { counter: 7 }))]);
    expect([ra.status, rb.status].filter((s) => s === 200).length).toBeLessThanOrEqual(1);
    expect([ra.body.error?.code, rb.body.error?.code]).toContain('passkey_counter_regression');
    const row = await server.services.db.get<{ status: string; counter: number }>('select status, counter from passkeys');
    expect(row).toEqual({ status: 'suspended', counter: 7 });
  });
});

describe('old challenges', () => {
  it('are swept an hour after they expire', async () => {
    await startOfficerPasskeyRegistration(server.services, AMINAH.nric, AMINAH.pin);
    const count = async () => (await server.services.db.all('select id from passkey_challenges')).length;
    expect(await count()).toBe(1);
    await sweepOnce({ db: server.services.db, audit: server.services.audit, log: server.services.log, now: server.services.now });
    expect(await count()).toBe(1);
    server.clock.advance(2 * 60 * 60 * 1000);
    await sweepOnce({ db: server.services.db, audit: server.services.audit, log: server.services.log, now: server.services.now });
    expect(await count()).toBe(0);
  });
});

describe('the passkey policy', () => {
  it('passkey-required refuses the OTP; otp refuses the passkey; an agency setting counts as much as a system one', async () => {
    await register(key);
    await setPasskeyPolicy(server.services, { scope: 'system', scopeId: 'igfmas', policy: 'passkey-required', actor: 'test' });
    const id = await newRequest();
    // No OTP is sent where none could sign: any code is refused for the policy, not for being wrong.
    await expect(latestOtp(server, id)).rejects.toThrow(/no OTP in the outbox/);
    const refused = await call(server, 'POST', `/api/v1/signing-requests/${id}/complete`, { pin: AMINAH.pin, otp: '123456' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('passkey_required');
    expect((await offer(id)).policy).toBe('passkey-required');

    await setPasskeyPolicy(server.services, { scope: 'system', scopeId: 'igfmas', policy: null, actor: 'test' });
    await setPasskeyPolicy(server.services, { scope: 'agency', scopeId: '1009', policy: 'otp', actor: 'test' });
    const id2 = await newRequest('STH-2026-000009');
    const o = await offer(id2);
    expect(o).toEqual({ policy: 'otp', options: null });
    const res = await completePasskey(id2, key.get({ challenge: 'AAAA' }));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('passkey_not_allowed');
    expect(await auditActions('agency:1009')).toContain('passkey.policy_set');
  });

  it('passkey-required: the request sends no OTP; "send a new code" renews its time without sending one; the passkey signs', async () => {
    await register(key);
    await setPasskeyPolicy(server.services, { scope: 'system', scopeId: 'igfmas', policy: 'passkey-required', actor: 'test' });
    const mailsBefore = (await server.services.outbox.list(AMINAH.nric, 500)).length;
    const id = await newRequest();
    const first = await server.services.db.get<{ otp_expires_at: number; otp_hash: string | null }>('select otp_expires_at, otp_hash from signing_requests where id = ?', id);
    expect(first?.otp_hash).toBeNull();
    server.clock.advance(200_000);
    const renewed = await call(server, 'POST', `/api/v1/signing-requests/${id}/otp`);
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    expect(Date.parse(renewed.body.expiresAt)).toBeGreaterThan(Number(first!.otp_expires_at));
    expect((await server.services.outbox.list(AMINAH.nric, 500)).length).toBe(mailsBefore);
    expect(await auditActions(id)).toEqual(['request.created', 'request.renewed']);
    const o = await offer(id);
    const signed = await completePasskey(id, key.get(o.options!));
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  });

  it('passkey-required without a passkey refuses to create the request (no OTP is sent)', async () => {
    await setPasskeyPolicy(server.services, { scope: 'system', scopeId: 'igfmas', policy: 'passkey-required', actor: 'test' });
    const created = await createRequest(server);
    expect(created.status).toBe(403);
    expect(created.body.error.code).toBe('passkey_required');
  });
});
