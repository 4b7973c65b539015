import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../server/lifecycle/deps.js';
import { renewCertificate } from '../../../server/lifecycle/renewCertificate.js';
import { sendRenewalNotices } from '../../../server/lifecycle/renewalNotices.js';
import { renewWithPinAndCode, startRenewalCheck } from '../../../server/portal/officerRenewal.js';
import { latestCertificate } from '../../../server/registry/officers.js';
import { AMINAH, call, createRequest, latestOtp, WEIMING } from '../../helpers/api.js';
import { cli, CLI_TEST_TIMEOUT_MS } from '../../helpers/cli.js';
import { crlSerials } from '../../helpers/crl.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { hiddenField, latestCode, signInOfficer } from '../portal/browser.js';

// Issue 21 item 2: expiry notices 30/7/1 days before (e-mail, GPKI Mobile, portal banner) from the
// lifecycle job, each once; renewal in the portal with the PIN and an e-mailed code. The clock is the
// test server's own (moved, never slept on).
let server: TestServer;
let notAfter: number;

const renewalMails = async (to: string) => (await server.services.outbox.list(to, 200)).filter((m) => m.subject.startsWith('Sijil digital anda tamat tempoh'));

beforeAll(async () => {
  server = await startTestServer();
  notAfter = (await latestCertificate(server.services.db, AMINAH.nric))!.notAfter;
});
afterAll(() => server?.close());

describe('expiry notices (the lifecycle job)', () => {
  it('sends nothing more than 30 days before the end', async () => {
    server.clock.now = notAfter - 31 * DAY_MS;
    expect(await sendRenewalNotices(server.services)).toEqual([]);
  });

  it('sends the 30-day notice once, in Bahasa Malaysia first with the date in Malaysian time, and a second run sends nothing', async () => {
    server.clock.now = notAfter - 30 * DAY_MS + 60 * 60 * 1000;
    const [first, again] = await Promise.all([sendRenewalNotices(server.services), sendRenewalNotices(server.services)]);
    const sent = [...first, ...again].filter((n) => n.nric === AMINAH.nric);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.days).toBe(30);
    expect(await sendRenewalNotices(server.services)).toEqual([]);
    const mails = await renewalMails(AMINAH.nric);
    expect(mails).toHaveLength(1);
    const text = mails[0]!.text;
    expect(mails[0]!.subject).toMatch(/^Sijil digital anda tamat tempoh dalam 30 hari \/ Your digital certificate expires in 30 days$/);
    expect(text.indexOf('Sijil digital RoamSign anda')).toBeLessThan(text.indexOf('Your RoamSign digital certificate'));
    expect(text).toContain('waktu Malaysia');
    expect(text).toContain('http://localhost:8787/portal');
  });

  it('the portal shows the banner with the date and days left, linking to renewal', async () => {
    const officer = await signInOfficer(server, AMINAH.nric);
    const home = await officer.get('/portal');
    expect(home.text).toMatch(/id="renewal-banner" data-days-left="30"/);
    expect(home.text).toContain('Sijil digital anda akan tamat tempoh pada');
    expect(home.text).toContain('href="/portal/renew"');
  });

  it('sends the 7-day and then the 1-day notice, each once', async () => {
    server.clock.now = notAfter - 6 * DAY_MS;
    expect((await sendRenewalNotices(server.services)).find((n) => n.nric === AMINAH.nric)?.days).toBe(7);
    expect(await sendRenewalNotices(server.services)).toEqual([]);
    server.clock.now = notAfter - 12 * 60 * 60 * 1000;
    expect((await sendRenewalNotices(server.services)).find((n) => n.nric === AMINAH.nric)?.days).toBe(1);
    expect(await sendRenewalNotices(server.services)).toEqual([]);
    expect((await renewalMails(AMINAH.nric)).map((m) => m.subject.slice(0, 50))).toEqual([
      'Sijil digital anda tamat tempoh dalam 1 hari / You',
      'Sijil digital anda tamat tempoh dalam 6 hari / You',
      'Sijil digital anda tamat tempoh dalam 30 hari / Yo',
    ]);
  });

  it('a job that first runs 5 days before the end sends the 7-day notice only, not the 30-day one too', async () => {
    const other = await startTestServer();
    try {
      const end = (await latestCertificate(other.services.db, AMINAH.nric))!.notAfter;
      other.clock.now = end - 5 * DAY_MS;
      const sent = (await sendRenewalNotices(other.services)).filter((n) => n.nric === AMINAH.nric);
      expect(sent.map((n) => n.days)).toEqual([7]);
    } finally {
      await other.close();
    }
  });
});

describe('renewal', () => {
  it('in the portal: a wrong PIN or code renews nothing; PIN + e-mailed code issue a new key and certificate and revoke the old as superseded', async () => {
    const before = (await latestCertificate(server.services.db, AMINAH.nric))!;
    const officer = await signInOfficer(server, AMINAH.nric);
    const form = await officer.get('/portal/renew');
    expect(form.status).toBe(200);
    expect(form.text).toContain('Perbaharui sijil');
    const sent = await officer.post('/portal/renew/code', { pin: '', code: '', challengeId: '' });
    expect(sent.status).toBe(200);
    const challengeId = hiddenField(sent.text, 'challengeId');
    const code = await latestCode(server, AMINAH.nric);
    const wrongPin = await officer.post('/portal/renew', { challengeId, pin: '000001', code });
    expect(wrongPin.status).toBe(400);
    expect(wrongPin.text).toContain('PIN tidak sah');
    const wrongCode = await officer.post('/portal/renew', { challengeId, pin: AMINAH.pin, code: code === '000000' ? '111111' : '000000' });
    expect(wrongCode.status).toBe(400);
    expect((await latestCertificate(server.services.db, AMINAH.nric))!.serial).toBe(before.serial);

    const done = await officer.post('/portal/renew', { challengeId, pin: AMINAH.pin, code });
    expect(done.status, done.text).toBe(303);
    expect(done.location).toBe('/portal?ok=renewed');
    const after = (await latestCertificate(server.services.db, AMINAH.nric))!;
    expect(after.serial).not.toBe(before.serial);
    expect(after.keyRef).not.toBe(before.keyRef);
    expect(after.notAfter).toBeGreaterThan(before.notAfter + 2 * 365 * DAY_MS);
    const old = (await server.services.db.get('select revocation_reason as r from certificates where serial = ?', before.serial)) as { r: string };
    expect(old.r).toBe('superseded');
    expect(crlSerials((await server.services.ca.currentCrl()).der).serials).toContain(before.serial);
    // The banner is gone: the new certificate has three years.
    expect((await officer.get('/portal')).text).not.toContain('renewal-banner');
    // No notice for the replaced certificate any more.
    expect((await sendRenewalNotices(server.services)).filter((n) => n.nric === AMINAH.nric)).toEqual([]);
  });

  it('the officer signs with the new certificate after renewing', async () => {
    const created = await createRequest(server);
    expect(created.status).toBe(201);
    const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp: await latestOtp(server, created.body.id) });
    expect(done.body.status).toBe('signed');
    expect(done.body.signatures[0].certificateSerial.toLowerCase().replace(/^(00)+/, '')).toBe((await latestCertificate(server.services.db, AMINAH.nric))!.serial);
  });

  it('a code sent for another step does not renew; renewCertificate refuses a certificate revoked for another reason', async () => {
    const { challengeId } = await startRenewalCheck(server.services, AMINAH.nric);
    const code = await latestCode(server, AMINAH.nric);
    await expect(renewWithPinAndCode(server.services, AMINAH.nric, { pin: AMINAH.pin, challengeId: `${challengeId}x`, code })).rejects.toMatchObject({ code: 'otp_invalid' });
    const current = (await latestCertificate(server.services.db, AMINAH.nric))!;
    await server.services.ca.revoke(current.serial, 'keyCompromise', 'test');
    await expect(renewCertificate(server.services, AMINAH.nric, 'test')).rejects.toMatchObject({ code: 'certificate_revoked' });
  });
});

describe('npm run roamsign -- renew <nric>', () => {
  it('renews from the CLI (new certificate, the old one superseded) and refuses a malformed MyKad number', async () => {
    const before = (await latestCertificate(server.services.db, WEIMING.nric))!;
    const refused = cli(server.env, ['renew', '12345']);
    expect(refused.code).toBe(2);
    const renewed = cli(server.env, ['renew', WEIMING.nric]);
    expect(renewed.code, renewed.out).toBe(0);
    expect(renewed.out).toContain(`replaces ${before.serial}, revoked as superseded`);
    const after = (await latestCertificate(server.services.db, WEIMING.nric))!;
    expect(after.serial).not.toBe(before.serial);
    expect(renewed.out).toContain(after.serial);
    expect(((await server.services.db.get('select revocation_reason as r from certificates where serial = ?', before.serial)) as { r: string }).r).toBe('superseded');
  }, CLI_TEST_TIMEOUT_MS);
});
