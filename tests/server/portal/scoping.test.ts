import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { applyForCertificate, startApplicationCheck } from '../../../server/portal/officerPortal.js';
import { CLI_ACTOR, registerOfficer } from '../../../server/portal/adminPortal.js';
import { verifyEmail } from '../../../server/portal/verification.js';
import { addAgency, latestCode, latestVerificationToken, signInNewAdmin, type Browser } from './browser.js';

let server: TestServer;
let sap: Browser;
const OTHER = { nric: '870707075151', email: 'farid@jkr.gov.my' };
const OWN = { nric: '860606065050', email: 'mei@anm.gov.my' };

/** Registered, verified and applied: an officer with a pending application. */
async function pendingOfficer(nric: string, email: string, agencyCode: string): Promise<string> {
  const s = server.services;
  await registerOfficer(s, CLI_ACTOR, { nric, name: `Pegawai ${nric}`, email, agencyCode, accountingOffice: '', system: 'eperolehan' });
  await verifyEmail(s, await latestVerificationToken(server, email));
  const { challengeId } = await startApplicationCheck(s, nric);
  const app = await applyForCertificate(s, nric, { system: 'eperolehan', pin: '583927', pinConfirm: '583927', officeAddress: 'Jalan Sultan Salahuddin, 50582 Kuala Lumpur', phone: '0123456789', challengeId, code: await latestCode(server, nric), declaration: true });
  return app.id;
}

const row = (sql: string, ...args: unknown[]) => server.services.db.get(sql, ...args);
const auditCount = async () => ((await row('select count(*) as n from audit_log')) as { n: number }).n;

let otherApp: string;
let ownApp: string;

beforeAll(async () => {
  server = await startTestServer();
  await addAgency(server, '2001', 'Jabatan Kerja Raya');
  otherApp = await pendingOfficer(OTHER.nric, OTHER.email, '2001');
  ownApp = await pendingOfficer(OWN.nric, OWN.email, '1009');
  sap = (await signInNewAdmin(server, 'sap', '1009')).browser;
});
afterAll(() => server?.close());

describe("an 'sap' of agency 1009 and an officer of agency 2001", () => {
  it('cannot register an officer into the other agency (403, nothing created)', async () => {
    const before = await auditCount();
    const res = await sap.post('/portal/admin/officers', { nric: '950505055555', name: 'Orang Luar', email: 'luar@jkr.gov.my', agency: '2001', accountingOffice: '', system: 'igfmas', phone: '' });
    expect(res.status).toBe(403);
    expect(await row('select nric from officers where nric = ?', '950505055555')).toBeUndefined();
    expect(await auditCount()).toBe(before);
  });

  it('cannot take over the other agency\'s officer by re-registering them in 1009 (403)', async () => {
    const res = await sap.post('/portal/admin/officers', { nric: OTHER.nric, name: 'Farid', email: 'farid@anm.gov.my', agency: '1009', accountingOffice: '', system: 'igfmas', phone: '' });
    expect(res.status).toBe(403);
    expect(await row('select agency_code as a, email from officers where nric = ?', OTHER.nric)).toEqual({ a: '2001', email: OTHER.email });
  });

  it('cannot approve or reject the other agency\'s application (403, still pending, no certificate)', async () => {
    expect((await sap.post(`/portal/admin/applications/${otherApp}/approve`, {})).status).toBe(403);
    expect((await sap.post(`/portal/admin/applications/${otherApp}/reject`, { reason: 'tidak layak' })).status).toBe(403);
    expect(await row('select status from applications where id = ?', otherApp)).toEqual({ status: 'pending' });
    expect(await row('select serial from certificates where nric = ?', OTHER.nric)).toBeUndefined();
    // Nor even see it.
    expect((await sap.get('/portal/admin')).text).not.toContain(otherApp);
  });

  it('cannot unlock, re-send verification or revoke for the other agency\'s officer (403)', async () => {
    (await server.services.db.run('update officers set pin_failures = 5, pin_locked_at = 1 where nric = ?', OTHER.nric));
    expect((await sap.post(`/portal/admin/officers/${OTHER.nric}/unlock`, {})).status).toBe(403);
    expect(await row('select pin_failures as f from officers where nric = ?', OTHER.nric)).toEqual({ f: 5 });
    expect((await sap.post(`/portal/admin/officers/${OTHER.nric}/resend`, {})).status).toBe(403);
    const national = (await signInNewAdmin(server, 'admin')).browser;
    expect((await national.post(`/portal/admin/applications/${otherApp}/approve`, {})).status).toBe(303);
    const before = await row('select count(*) as n from certificates where nric = ? and revoked_at is null', OTHER.nric);
    expect((await sap.post(`/portal/admin/officers/${OTHER.nric}/revoke`, { reason: 'keyCompromise', confirmed: 'yes' })).status).toBe(403);
    expect(await row('select count(*) as n from certificates where nric = ? and revoked_at is null', OTHER.nric)).toEqual(before);
    expect(before).toEqual({ n: 1 });
  });

  it('cannot view the other officer\'s audit log; the agency log holds only its own officers', async () => {
    expect((await sap.get(`/portal/admin/audit?nric=${OTHER.nric}`)).status).toBe(403);
    const log = await sap.get('/portal/admin/audit');
    expect(log.status).toBe(200);
    expect(log.text).not.toContain(OTHER.nric);
    expect(log.text).toContain(`data-subject="${OWN.nric}"`);
    const national = (await signInNewAdmin(server, 'admin')).browser;
    expect((await national.get('/portal/admin/audit')).text).toContain(OTHER.nric);
  });

  it('does all of it for an officer of its own agency', async () => {
    expect((await sap.post(`/portal/admin/applications/${ownApp}/approve`, {})).status).toBe(303);
    expect(await row('select status from applications where id = ?', ownApp)).toEqual({ status: 'approved' });
    (await server.services.db.run('update officers set pin_failures = 5, pin_locked_at = 1 where nric = ?', OWN.nric));
    expect((await sap.post(`/portal/admin/officers/${OWN.nric}/unlock`, {})).status).toBe(303);
    expect(await row('select pin_failures as f, pin_locked_at as l from officers where nric = ?', OWN.nric)).toEqual({ f: 0, l: null });
    expect((await sap.post(`/portal/admin/officers/${OWN.nric}/revoke`, { reason: 'affiliationChanged', confirmed: 'yes' })).status).toBe(303);
    expect(await row('select revocation_reason as r from certificates where nric = ?', OWN.nric)).toEqual({ r: 'affiliationChanged' });
    const crl = await server.services.ca.currentCrl();
    const serial = (await row('select serial from certificates where nric = ?', OWN.nric))!.serial as string;
    expect(crl.revoked.has(serial)).toBe(true);
    const audit = await sap.get(`/portal/admin/audit?nric=${OWN.nric}`);
    for (const action of ['application.approved', 'pin.unlocked', 'officer.certificate_revoked', 'certificate.revoked']) expect(audit.text).toContain(`data-action="${action}"`);
  });

  it('never shows or stores a PIN in clear', async () => {
    const page = await sap.get('/portal/admin');
    expect(page.text).not.toContain('583927');
    const stored = (await row('select pin_verifier as v from applications where id = ?', ownApp))!.v as string;
    expect(stored).not.toContain('583927');
    expect(await row("select count(*) as n from audit_log where cast(details as text) like '%583927%'")).toEqual({ n: 0 });
  });
});
