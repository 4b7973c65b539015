import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishOfficerPasskeyRegistration, startOfficerPasskeyRegistration } from '../../../server/passkeys/officerPasskeys.js';
import { latestCertificate } from '../../../server/registry/officers.js';
import { AMINAH, WEIMING } from '../../helpers/api.js';
import { crlSerials } from '../../helpers/crl.js';
import { SoftAuthenticator } from '../../helpers/softAuthenticator.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { Browser, signInOfficer } from '../portal/browser.js';
import { auditActions, certificatesOf } from './helpers.js';

// Issue 21 item 2: the officer renews in the portal with a passkey instead of the PIN and e-mailed
// code. The ceremony names the officer: a sign-in challenge cannot renew, and an assertion is not replayed.
const RP = { id: 'localhost', origin: 'http://localhost:8787' };
let server: TestServer;
let key: SoftAuthenticator;

const json = (page: { text: string }) => JSON.parse(page.text) as { challengeId?: string; options?: { challenge: string }; redirect?: string; error?: { code: string } };

beforeAll(async () => {
  server = await startTestServer();
  key = new SoftAuthenticator(RP);
  const started = await startOfficerPasskeyRegistration(server.services, AMINAH.nric, AMINAH.pin);
  await finishOfficerPasskeyRegistration(server.services, AMINAH.nric, { challengeId: started.challengeId, response: key.create(started.options), name: 'Telefon' });
});
afterAll(() => server?.close());

describe('renewal with a passkey (portal)', () => {
  it('the renewal page offers the passkey only to an officer who has one', async () => {
    const aminah = await signInOfficer(server, AMINAH.nric);
    const page = await aminah.get('/portal/renew');
    expect(page.text).toContain('data-endpoint="/portal/renew/passkey"');
    expect(page.text).toContain('Perbaharui dengan kunci laluan');
    const weiming = await signInOfficer(server, WEIMING.nric);
    expect((await weiming.get('/portal/renew')).text).not.toContain('/portal/renew/passkey');
    const refused = await weiming.post('/portal/renew/passkey/options', {});
    expect(refused.status).toBe(401);
    expect(json(refused).error?.code).toBe('passkey_credential_unknown');
  });

  it('a sign-in challenge (no officer named) cannot renew, and nothing changes', async () => {
    const before = await certificatesOf(server, AMINAH.nric);
    const browser = new Browser(server);
    const signIn = json(await browser.post('/portal/sign-in/passkey/options', {}, { csrf: null }));
    const aminah = await signInOfficer(server, AMINAH.nric);
    const wrong = await aminah.post('/portal/renew/passkey', { challengeId: signIn.challengeId!, response: JSON.stringify(key.get(signIn.options!)) });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
    expect(await certificatesOf(server, AMINAH.nric)).toEqual(before);
  });

  it('renews: a new key and certificate, the old one revoked as superseded (CRL), audited as the officer; the assertion cannot be replayed', async () => {
    const old = (await latestCertificate(server.services.db, AMINAH.nric))!;
    // The test clock stands still unless moved: the new certificate is issued a minute later.
    server.clock.now += 60_000;
    const aminah = await signInOfficer(server, AMINAH.nric);
    const started = json(await aminah.post('/portal/renew/passkey/options', {}));
    expect(started.challengeId).toBeTruthy();
    const assertion = JSON.stringify(key.get(started.options!));
    const done = await aminah.post('/portal/renew/passkey', { challengeId: started.challengeId!, response: assertion });
    expect(done.status, done.text).toBe(200);
    expect(json(done).redirect).toBe('/portal?ok=renewed');
    const fresh = (await latestCertificate(server.services.db, AMINAH.nric))!;
    expect(fresh.serial).not.toBe(old.serial);
    expect(fresh.keyRef).not.toBe(old.keyRef);
    const rows = await certificatesOf(server, AMINAH.nric);
    expect(rows.find((r) => r.serial === old.serial)?.reason).toBe('superseded');
    expect(crlSerials((await server.services.ca.currentCrl()).der).serials).toContain(old.serial);
    const renewed = await auditActions(server, 'certificate.renewed');
    expect(renewed.at(-1)?.actor).toBe(`officer:${AMINAH.nric}`);
    const again = await aminah.post('/portal/renew/passkey', { challengeId: started.challengeId!, response: assertion });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
    expect((await latestCertificate(server.services.db, AMINAH.nric))!.serial).toBe(fresh.serial);
  });
});
