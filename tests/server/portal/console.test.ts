import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, registerOfficer } from '../../../server/portal/adminPortal.js';
import { importOfficers } from '../../../server/portal/csvImport.js';
import { seedScale } from '../../../server/ops/seedScale.js';
import { AMINAH, RAJESH, WEIMING } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { addAgency, Browser, hiddenField, signInNewAdmin } from './browser.js';

let server: TestServer;
let admin: Browser;
let sap: Browser;

const row = <T>(sql: string, ...args: unknown[]) => server.services.db.get(sql, ...args) as Promise<T | undefined>;
const auditCount = async () => Number((await row<{ n: number }>('select count(*) as n from audit_log'))!.n);
const liveCertificates = async (nric: string) => Number((await row<{ n: number }>('select count(*) as n from certificates where nric = ? and revoked_at is null', nric))!.n);

beforeAll(async () => {
  server = await startTestServer();
  await addAgency(server, '2001', 'Jabatan Kerja Raya');
  // 130 officers: three pages of 50, some suspended (seedScale: every 50th), all in agency 1009.
  await seedScale(server.services.db, { officers: 130, signatures: 0, agencies: 1, now: server.clock.now });
  await registerOfficer(server.services, CLI_ACTOR, { nric: '870707075151', name: 'Farid bin Osman', email: 'farid@jkr.gov.my', agencyCode: '2001', accountingOffice: '', system: 'speks' });
  admin = (await signInNewAdmin(server, 'admin')).browser;
  sap = (await signInNewAdmin(server, 'sap', '1009')).browser;
});
afterAll(() => server?.close());

describe('officer search (server-side filters, sort, paging)', () => {
  it('pages 50 at a time, names every value in words, and keeps the query across pages', async () => {
    const first = await admin.get('/portal/admin/officers');
    expect(first.status).toBe(200);
    expect(first.text.match(/<tr data-officer=/g)).toHaveLength(50);
    expect(first.text).toContain('Halaman 1 daripada 3');
    expect(first.text).toMatch(/data-status="active">Aktif/);
    expect(first.text).not.toMatch(/<td>active<\/td>/);
    const third = await admin.get('/portal/admin/officers?page=3&sort=nric&dir=desc');
    expect(third.text).toContain('Halaman 3 daripada 3');
    expect(third.text).toMatch(/rel="prev" href="\/portal\/admin\/officers\?sort=nric&amp;dir=desc&amp;page=2"/);
    const firstDesc = await admin.get('/portal/admin/officers?sort=nric&dir=desc');
    const nrics = [...firstDesc.text.matchAll(/data-officer="(\d+)"/g)].map((m) => m[1]!);
    expect(nrics).toEqual([...nrics].sort().reverse());
  });

  it('finds by MyKad prefix, name, e-mail, status, medium and agency', async () => {
    const nricsOf = async (query: string) => [...(await admin.get(`/portal/admin/officers?${query}`)).text.matchAll(/data-officer="(\d+)"/g)].map((m) => m[1]!);
    expect(await nricsOf('q=700000000012')).toEqual(['700000000012']);
    expect(await nricsOf('q=70000000012')).toHaveLength(10);
    expect(await nricsOf('q=700000-00-0012')).toEqual(['700000000012']);
    expect(await nricsOf('q=pegawai%20skala%20129')).toEqual(['700000000129']);
    expect(await nricsOf('q=PEGAWAI7@skala')).toEqual(['700000000007']);
    expect(await nricsOf('q=tan%20wei')).toEqual([WEIMING.nric]);
    expect(await nricsOf('status=suspended&agency=1009&sort=nric')).toEqual(['700000000000', '700000000050', '700000000100']);
    expect(await nricsOf('medium=token')).toEqual(expect.arrayContaining([WEIMING.nric, RAJESH.nric]));
    expect(await nricsOf('medium=token')).not.toContain(AMINAH.nric);
    expect(await nricsOf('agency=2001')).toEqual(['870707075151']);
    // A "%" is a character, not a wildcard.
    expect(await nricsOf('q=%25')).toEqual([]);
  });

  it('is scoped: an sap of 1009 never sees an officer of 2001, whatever the filter says', async () => {
    expect((await sap.get('/portal/admin/officers?agency=2001')).text).not.toContain('870707075151');
    expect((await sap.get('/portal/admin/officers?q=870707075151')).text).not.toContain('data-officer="870707075151"');
    expect((await sap.get('/portal/admin/officers/870707075151')).status).toBe(403);
    expect((await sap.get('/portal/admin/officers.csv?q=8707')).text).not.toContain('870707075151');
  });

  it('exports the whole search as CSV, not one page, with a formula-safe cell', async () => {
    const csv = await admin.get('/portal/admin/officers.csv?agency=1009&sort=nric');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('nric,name,email,email_verified,phone,agency,agency_name,accounting_office,system,media,status,pin_locked,registered_at');
    expect(lines.length - 1).toBe(130 + 3);
    await registerOfficer(server.services, CLI_ACTOR, { nric: '880808085252', name: '=HYPERLINK("x")', email: 'formula@anm.gov.my', agencyCode: '1009', accountingOffice: '', system: 'igfmas' });
    expect((await admin.get('/portal/admin/officers.csv?q=880808085252')).text).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

describe('officer detail and its actions', () => {
  it('shows certificates, devices, movements and audit, and offers only the actions that apply', async () => {
    const page = await admin.get(`/portal/admin/officers/${AMINAH.nric}`);
    expect(page.status).toBe(200);
    for (const id of ['certificates', 'devices', 'movements', 'recent']) expect(page.text).toContain(`id="${id}"`);
    expect(page.text).toContain('id="action-revoke"');
    expect(page.text).not.toContain('id="action-resend"'); // verified e-mail
    expect(page.text).not.toContain('id="action-unlock"'); // not locked
    expect(page.text).not.toContain('id="action-reactivate"'); // active
    const token = await admin.get(`/portal/admin/officers/${RAJESH.nric}`);
    expect(token.text).not.toContain('id="action-revoke"'); // no certificate
    const unverified = await admin.get('/portal/admin/officers/870707075151');
    expect(unverified.text).toContain('id="action-resend"');
    const suspended = await admin.get('/portal/admin/officers/700000000050');
    expect(suspended.text).toContain('id="action-reactivate"');
  });

  it('revoking asks first, naming the officer and the consequence; the confirmation changes nothing until confirmed', async () => {
    const before = await auditCount();
    const ask = await admin.post(`/portal/admin/officers/${WEIMING.nric}/revoke`, { reason: 'keyCompromise' });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain(`Batalkan sijil Tan Wei Ming (${WEIMING.nric})?`);
    expect(ask.text).toContain('tidak boleh menandatangani');
    expect(ask.text).toContain('Kunci terjejas');
    expect(ask.text).toContain(`href="/portal/admin/officers/${WEIMING.nric}" id="confirm-cancel"`);
    expect(hiddenField(ask.text, 'confirmed')).toBe('yes');
    expect(await auditCount()).toBe(before);
    expect(await liveCertificates(WEIMING.nric)).toBeGreaterThan(0);

    const done = await admin.post(`/portal/admin/officers/${WEIMING.nric}/revoke`, { reason: 'keyCompromise', confirmed: 'yes' });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/portal/admin/officers/${WEIMING.nric}?ok=revoked`);
    expect(await liveCertificates(WEIMING.nric)).toBe(0);
    const after = await admin.get(done.location!);
    expect(after.text).toContain('Sijil telah dibatalkan');
    expect(after.text).not.toContain('id="action-revoke"');
  });

  it('a movement and a reactivation ask first too', async () => {
    const move = await admin.post('/portal/admin/officers/700000000001/movement', { kind: 'retirement', effectiveDate: '2030-01-15', toAgency: '' });
    expect(move.status).toBe(200);
    expect(move.text).toContain('Rekod persaraan bagi Pegawai Skala 1 (700000000001)');
    expect(Number((await row<{ n: number }>("select count(*) as n from movements where nric = '700000000001'"))!.n)).toBe(0);
    const react = await admin.post('/portal/admin/officers/700000000050/reactivate', {});
    expect(react.text).toContain('Aktifkan semula Pegawai Skala 50 (700000000050)?');
    expect((await row<{ status: string }>("select status from officers where nric = '700000000050'"))!.status).toBe('suspended');
    const yes = await admin.post('/portal/admin/officers/700000000050/reactivate', { confirmed: 'yes' });
    expect(yes.status).toBe(303);
    expect((await row<{ status: string }>("select status from officers where nric = '700000000050'"))!.status).toBe('active');
  });
});

describe('bulk actions', () => {
  it('unlocks every locked officer of a search, after a confirmation naming how many', async () => {
    await server.services.db.run("update officers set pin_locked_at = ?, pin_failures = 5 where nric in ('700000000002', '700000000003')", server.clock.now);
    const list = await admin.get('/portal/admin/officers?status=locked');
    expect(list.text).toContain('id="bulk-unlock"');
    const ask = await admin.post('/portal/admin/officers/bulk-unlock?status=locked', {});
    expect(ask.text).toContain('Buka kunci PIN 2 pegawai?');
    expect(Number((await row<{ n: number }>('select count(*) as n from officers where pin_locked_at is not null'))!.n)).toBe(2);
    const done = await admin.post('/portal/admin/officers/bulk-unlock?status=locked', { confirmed: 'yes' });
    expect(done.status).toBe(303);
    expect(Number((await row<{ n: number }>('select count(*) as n from officers where pin_locked_at is not null'))!.n)).toBe(0);
  });

  it('re-sends the verification link to every unverified officer of one import', async () => {
    const report = await importOfficers(
      server.services,
      CLI_ACTOR,
      'nric,name,email,agency,accounting_office,system\n930101015011,Nurul Huda,nurul@anm.gov.my,1009,JANM,speks\n930101015012,Hafiz Ali,hafiz@anm.gov.my,1009,JANM,speks\n',
    );
    expect(report.map((r) => r.status)).toEqual(['created', 'created']);
    const batch = (await row<{ b: string }>("select import_batch as b from officers where nric = '930101015011'"))!.b;
    expect(batch).toMatch(/^imp_/);
    await server.services.db.run("update officers set email_verified_at = ? where nric = '930101015012'", server.clock.now);
    const imports = await admin.get('/portal/admin/imports');
    expect(imports.text).toContain(`data-batch="${batch}"`);
    const before = (await server.services.outbox.list('nurul@anm.gov.my')).length;
    const ask = await admin.post(`/portal/admin/imports/${batch}/resend`, {});
    expect(ask.text).toContain('Hantar semula pautan pengesahan kepada 1 pegawai?');
    expect((await server.services.outbox.list('nurul@anm.gov.my')).length).toBe(before);
    const done = await admin.post(`/portal/admin/imports/${batch}/resend`, { confirmed: 'yes' });
    expect(done.status).toBe(303);
    expect((await server.services.outbox.list('nurul@anm.gov.my')).length).toBe(before + 1);
    expect(await server.services.outbox.list('hafiz@anm.gov.my')).toHaveLength(1);
  });
});

describe('the audit log page', () => {
  it('shows events in words, actors by name, times to the second; filters by action and actor; pages by sequence; exports CSV', async () => {
    const page = await admin.get('/portal/admin/audit?action=officer.certificate_revoked');
    expect(page.text).toContain('Sijil pegawai dibatalkan oleh pentadbir');
    expect(page.text).toMatch(/Pentadbir \d+ \(ADMIN\)/);
    expect(page.text).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    expect(page.text.match(/<tr data-seq=/g)).toHaveLength(1);
    for (let i = 0; i < 120; i++) await server.services.audit.append({ actor: 'system', action: 'officer.suspended', subject: '700000000099', details: { reason: 'inactivity' } });
    const all = await admin.get('/portal/admin/audit');
    expect(all.text).toContain('RoamSign (automatik: permintaan tandatangan, tugas berjadual)');
    // Issue 23 item 5: an `officer:<nric>` actor is named, a raw event and raw detail keys are not shown.
    await server.services.audit.append({ actor: 'officer:900101011234', action: 'pin.wrong', subject: '900101011234', details: { failures: 1 } });
    const named = await admin.get('/portal/admin/audit?action=pin.wrong');
    expect(named.text).toContain('>Aminah binti Abdullah (900101011234)</td>');
    expect(named.text).toContain('<td>PIN salah</td>');
    expect(named.text).toContain('<td>Cubaan salah berturut-turut: 1</td>');
    expect(all.text.match(/<tr data-seq=/g)).toHaveLength(100);
    const older = /rel="next" href="([^"]+)"/.exec(all.text)![1]!.replace(/&amp;/g, '&');
    const next = await admin.get(older);
    const lastFirst = Math.min(...[...all.text.matchAll(/data-seq="(\d+)"/g)].map((m) => Number(m[1])));
    expect(Math.max(...[...next.text.matchAll(/data-seq="(\d+)"/g)].map((m) => Number(m[1])))).toBeLessThan(lastFirst);
    const none = await admin.get('/portal/admin/audit?from=2001-01-01&to=2001-01-02');
    expect(none.text).toContain('Tiada peristiwa sepadan.');
    const csv = await admin.get('/portal/admin/audit.csv?action=officer.certificate_revoked');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('seq,time_malaysia,at_utc,actor,actor_name,action,event,subject,details');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(WEIMING.nric);
  });

  it('stays scoped: an sap reads only their agency', async () => {
    const page = await sap.get('/portal/admin/audit?action=officer.registered');
    expect(page.text).not.toContain('870707075151');
    expect((await sap.get('/portal/admin/audit?nric=870707075151')).status).toBe(403);
  });
});

describe('applications open in full', () => {
  it('the dashboard links to the application, which shows agency, office, phone, e-mail verification and system with approve and reject', async () => {
    const { applyForCertificate, startApplicationCheck } = await import('../../../server/portal/officerPortal.js');
    const { verifyEmail } = await import('../../../server/portal/verification.js');
    const { latestCode, latestVerificationToken } = await import('./browser.js');
    const s = server.services;
    await registerOfficer(s, CLI_ACTOR, { nric: '860606065050', name: 'Mei Ling', email: 'mei@anm.gov.my', agencyCode: '1009', accountingOffice: 'JANM Perlis', system: 'eperolehan' });
    await verifyEmail(s, await latestVerificationToken(server, 'mei@anm.gov.my'));
    const { challengeId } = await startApplicationCheck(s, '860606065050');
    const app = await applyForCertificate(s, '860606065050', { system: 'eperolehan', pin: '583927', pinConfirm: '583927', officeAddress: 'Jalan Sultan Salahuddin, 50582 Kuala Lumpur', phone: '0123456789', challengeId, code: await latestCode(server, '860606065050'), declaration: true });
    const dash = await admin.get('/portal/admin');
    expect(dash.text).toContain(`href="/portal/admin/applications/${app.id}"`);
    expect(dash.text).not.toContain(`action="/portal/admin/applications/${app.id}/approve"`);
    const detail = await admin.get(`/portal/admin/applications/${app.id}`);
    for (const text of ['Jalan Sultan Salahuddin', '0123456789', 'ePerolehan', 'JANM Perlis', '(1009)', 'mei@anm.gov.my']) expect(detail.text).toContain(text);
    expect(detail.text).toContain(`action="/portal/admin/applications/${app.id}/approve"`);
    expect(detail.text).toContain(`action="/portal/admin/applications/${app.id}/reject"`);
    // A reason too short: the typed reason stays, its error beside it.
    const bad = await admin.post(`/portal/admin/applications/${app.id}/reject`, { reason: 'no' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="f-reject-reason"[^>]*value="no"|value="no"[^>]*id="f-reject-reason"/s);
    expect(bad.text).toContain('aria-describedby="f-reject-reason-error"');
  });
});

describe('the dashboard\'s applications are a queue', () => {
  it('shows the 20 that have waited longest, oldest first, and says how many wait in all', async () => {
    const { applications } = server.services.db.t;
    const at = server.services.now();
    // 22 applications by seeded officers, one a minute (data set-up: the flow that makes one is tested above).
    await server.services.db.orm.insert(applications).values(
      Array.from({ length: 22 }, (_, i) => ({
        id: `app_queue_${String(i).padStart(2, '0')}`,
        nric: `7000000000${String(10 + i)}`,
        system: 'igfmas',
        officeAddress: 'JANM Perlis',
        phone: '0123456789',
        pinVerifier: 'x',
        declaredAt: at - (22 - i) * 60_000,
        status: 'pending' as const,
        createdAt: at - (22 - i) * 60_000,
      })),
    );
    const waiting = await server.services.db.all<{ id: string }>("select id from applications where status = 'pending' order by created_at, id");
    expect(waiting.length).toBeGreaterThan(20);
    const dash = await admin.get('/portal/admin');
    const shown = [...dash.text.matchAll(/data-application="([^"]+)"/g)].map((m) => m[1]!);
    expect(shown).toEqual(waiting.slice(0, 20).map((r) => r.id));
    expect(dash.text).toContain(`${waiting.length} permohonan menunggu. Di bawah ialah 20 yang paling lama menunggu`);
  });
});

describe('registration keeps what was typed', () => {
  it('a refused registration shows every typed value again, the error next to its field', async () => {
    const res = await admin.post('/portal/admin/officers', { nric: '900101011299', name: 'Siti Aishah', email: 'bukan-emel', agency: '1009', accountingOffice: 'JANM Kedah', system: 'speks', phone: '0123456789' });
    expect(res.status).toBe(400);
    for (const value of ['900101011299', 'Siti Aishah', 'bukan-emel', 'JANM Kedah', '0123456789']) expect(res.text).toContain(`value="${value}"`);
    expect(res.text).toMatch(/<option value="speks" selected>/);
    expect(res.text).toMatch(/id="f-email"[^>]*aria-describedby="f-email-error" aria-invalid="true"/s);
    expect(res.text).toContain('<small id="f-email-error" class="field-error">Alamat e-mel tidak sah.</small>');
  });
});

describe('administrator accounts', () => {
  it("a new administrator's first password arrives by a one-time e-mail link, never on the creator's screen", async () => {
    const created = await admin.post('/portal/admin/admins', { nric: '750505055555', name: 'Siti SAP', email: 'siti.sap@anm.gov.my', role: 'sap', agency: '1009' });
    expect(created.status).toBe(303);
    expect(created.location).toBe('/portal/admin?ok=admin_created');
    const shown = await admin.get(created.location!);
    expect(shown.text).toContain('Pautan untuk menetapkan kata laluan telah dihantar');
    expect(shown.text).not.toMatch(/adm_[A-Za-z0-9_-]+: Kata laluan/);
    const mail = (await server.services.outbox.list('siti.sap@anm.gov.my'))[0]!;
    const token = /\/portal\/admin\/password\/set\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    expect(mail.text).toMatch(/waktu Malaysia/);

    const fresh = new Browser(server);
    const form = await fresh.get(`/portal/admin/password/set?token=${token}`);
    expect(form.text).toContain('Siti SAP');
    const mismatch = await fresh.post('/portal/admin/password/set', { token, password: 'kata laluan panjang', confirm: 'lain sama sekali' }, { csrf: null });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('id="f-confirm-error"');
    const set = await fresh.post('/portal/admin/password/set', { token, password: 'kata laluan panjang', confirm: 'kata laluan panjang' }, { csrf: null });
    expect(set.status).toBe(303);
    const again = await fresh.post('/portal/admin/password/set', { token, password: 'kata laluan kedua', confirm: 'kata laluan kedua' }, { csrf: null });
    expect(again.status).toBe(400);
    expect((await fresh.post('/portal/admin/sign-in', { nric: '750505055555', password: 'kata laluan panjang' }, { csrf: null })).status).toBe(200);
  });

  it('a higher role resets a lower one by e-mail link (the old password stops at once); a lower role cannot', async () => {
    const target = (await row<{ id: string }>("select id from admins where nric = '750505055555'"))!.id;
    expect((await sap.post(`/portal/admin/admins/${target}/reset`, {})).status).toBe(403);
    const done = await admin.post(`/portal/admin/admins/${target}/reset`, {});
    expect(done.status).toBe(303);
    expect((await new Browser(server).post('/portal/admin/sign-in', { nric: '750505055555', password: 'kata laluan panjang' }, { csrf: null })).status).toBe(401);
    const mails = await server.services.outbox.list('siti.sap@anm.gov.my');
    expect(mails[0]!.subject).toContain('Set semula kata laluan');
  });

  it('an administrator changes their own password (current one required)', async () => {
    const wrong = await sap.post('/portal/admin/password', { current: 'salah salah salah', password: 'kata laluan baharu', confirm: 'kata laluan baharu' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('id="f-current-error"');
    const ok = await sap.post('/portal/admin/password', { current: 'correct horse battery staple', password: 'kata laluan baharu', confirm: 'kata laluan baharu' });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/portal/admin?ok=password_changed');
  });
});
