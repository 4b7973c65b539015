import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, CLI_TEST_TIMEOUT_MS } from '../../helpers/cli.js';
import { reopenDb, startTestServer } from '../../helpers/testServices.js';
import { hiddenField, Browser, latestCode } from './browser.js';


describe('ops CLI: administrators and officer import', () => {
  it('create-admin prints a one-time password that signs in (with the e-mailed code); ROAMSIGN_ADMIN_PASSWORD is used when set', async () => {
    const first = await startTestServer();
    const dataDir = first.dataDir;
    await first.close();

    const created = cli(first.env, ['create-admin', '700101-01-0001', 'Pentadbir GPKI', 'gpki@anm.gov.my']);
    expect(created.code, created.out).toBe(0);
    const password = /initial password \(shown once; you choose your own at first sign-in\): (\S+)/.exec(created.out)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const fixed = cli(first.env, ['create-admin', '700202020002', 'SAP Perlis', 'sap@anm.gov.my', '--role', 'sap', '--agency', '1009'], { ROAMSIGN_ADMIN_PASSWORD: 'kata-laluan-panjang-1' });
    expect(fixed.code, fixed.out).toBe(0);
    expect(fixed.out).not.toContain('initial password');
    expect(cli(first.env, ['create-admin', '700101010001', 'Dua Kali', 'x@anm.gov.my']).code).toBe(1);

    const db = await reopenDb(first);
    const rows = (await db.all('select nric, role, agency_code as a, password_verifier as v from admins order by nric')) as { nric: string; role: string; a: string | null; v: string }[];
    await db.close();
    expect(rows.map((r) => [r.nric, r.role, r.a])).toEqual([
      ['700101010001', 'admin', null],
      ['700202020002', 'sap', '1009'],
    ]);
    for (const r of rows) expect(r.v).toMatch(/^scrypt\$/);
    expect(rows[0]!.v).not.toContain(password!);

    const server = await startTestServer({}, { dataDir });
    try {
      const browser = new Browser(server);
      const wrong = await browser.post('/portal/admin/sign-in', { nric: '700101010001', password: 'salah-salah-salah' }, { csrf: null });
      expect(wrong.status).toBe(401);
      expect(wrong.text).toContain('kata laluan salah');
      const step1 = await browser.post('/portal/admin/sign-in', { nric: '700101010001', password: password! }, { csrf: null });
      expect(step1.status).toBe(200);
      const done = await browser.post('/portal/admin/sign-in/code', { challengeId: hiddenField(step1.text, 'challengeId'), code: await latestCode(server, '700101010001') }, { csrf: null });
      expect(done.status).toBe(303);
      // The printed password was seen: the first sign-in must choose a new one before anything else.
      const forced = await browser.get('/portal/admin');
      expect(forced.status).toBe(303);
      expect(forced.location).toBe('/portal/admin/password');
      const form = await browser.get('/portal/admin/password');
      expect(form.text).toContain('Sila pilih kata laluan anda sendiri');
      const weak = await browser.post('/portal/admin/password', { current: password!, password: 'pendek', confirm: 'pendek' });
      expect(weak.status).toBe(400);
      expect(weak.text).toMatch(/id="f-password-error"/);
      const changed = await browser.post('/portal/admin/password', { current: password!, password: 'kata laluan baharu saya', confirm: 'kata laluan baharu saya' });
      expect(changed.status).toBe(303);
      expect((await browser.get('/portal/admin')).text).toContain('Pentadbir GPKI (admin)');
    } finally {
      await server.close();
    }

    // Recovery when no higher role can reset (the national administrator's link was lost): the CLI
    // e-mails a new link, and the old password stops at once.
    // With nowhere to deliver the link, nothing is reset (the old password would die with no way in).
    const undeliverable = cli(first.env, ['reset-admin-password', '700101-01-0001']);
    expect(undeliverable.code).toBe(1);
    expect(undeliverable.out).toContain('nothing was changed');
    const reset = cli(first.env, ['reset-admin-password', '700101-01-0001'], { ROAMSIGN_SANDBOX: '1' });
    expect(reset.code, reset.out).toBe(0);
    expect(reset.out).toContain('gpki@anm.gov.my');
    expect(cli(first.env, ['reset-admin-password', '700101019999'], { ROAMSIGN_SANDBOX: '1' }).code).toBe(1);
    const after = await startTestServer({}, { dataDir });
    try {
      expect((await new Browser(after).post('/portal/admin/sign-in', { nric: '700101010001', password: 'kata laluan baharu saya' }, { csrf: null })).status).toBe(401);
      const links = (await after.services.outbox.list('gpki@anm.gov.my')).map((m) => /\/portal\/admin\/password\/set\?token=([A-Za-z0-9_-]+)/.exec(m.text)?.[1]).filter(Boolean);
      expect(links).toHaveLength(1);
      const token = links[0]!;
      const set = await new Browser(after).post('/portal/admin/password/set', { token, password: 'kata laluan dipulihkan', confirm: 'kata laluan dipulihkan' }, { csrf: null });
      expect(set.status).toBe(303);
    } finally {
      await after.close();
    }
  }, CLI_TEST_TIMEOUT_MS);

  it('import-officers registers the file within --agency and prints the per-row report', async () => {
    const first = await startTestServer();
    const dataDir = first.dataDir;
    await first.close();
    const file = path.join(dataDir, 'pegawai.csv');
    fs.writeFileSync(
      file,
      'nric,name,email,agency,accounting_office,system\n930101015011,Nurul Huda,nurul@anm.gov.my,1009,JANM Perlis,speks\n930101015012,Emel Salah,salah,1009,JANM Perlis,speks\n',
    );
    const res = cli(first.env, ['import-officers', file, '--agency', '1009']);
    expect(res.code, res.out).toBe(1);
    expect(res.out).toContain('row 2\t930101015011\tcreated');
    expect(res.out).toContain('row 3\t930101015012\trejected\tbad_email');
    expect(res.out).toContain('1 imported, 1 rejected');
    const outside = cli(first.env, ['import-officers', file, '--agency', '2001']);
    expect(outside.out).toContain('rejected\tagency_outside_scope');
    expect(cli(first.env, ['import-officers', file, '--agency', '1009', '--by', 'adm_unknown']).code).toBe(1);
    expect(cli(first.env, ['import-officers', file]).code).toBe(2);

    const db = await reopenDb(first);
    expect((await db.get('select name, media, system from officers where nric = ?', '930101015011'))).toEqual({ name: 'Nurul Huda', media: '["roaming"]', system: 'speks' });
    expect((await db.get("select count(*) as n from audit_log where action = 'email.verification_sent' and subject = ?", '930101015011'))).toEqual({ n: 1 });
    await db.close();
  }, CLI_TEST_TIMEOUT_MS);

  it('in sandbox mode import-officers delivers through the sandbox outbox; resend-verification re-sends to the unverified officers of an import', async () => {
    const first = await startTestServer();
    const dataDir = first.dataDir;
    await first.close();
    const file = path.join(dataDir, 'pegawai.csv');
    fs.writeFileSync(file, 'nric,name,email,agency,accounting_office,system\n930101015021,Aisyah Omar,aisyah@anm.gov.my,1009,JANM Perlis,igfmas\n930101015022,Badrul Hisham,badrul@anm.gov.my,1009,JANM Perlis,igfmas\n');
    const sandbox = { ROAMSIGN_SANDBOX: '1' };
    const imported = cli(first.env, ['import-officers', file, '--agency', '1009'], sandbox);
    expect(imported.code, imported.out).toBe(0);
    expect(imported.out).toContain('e-mails: in the sandbox outbox');
    expect(cli(first.env, ['resend-verification'], sandbox).code).toBe(2);

    let db = await reopenDb(first);
    const batch = ((await db.get("select import_batch as b from officers where nric = '930101015021'")) as { b: string }).b;
    expect(batch).toMatch(/^imp_/);
    await db.run("update officers set email_verified_at = 1 where nric = '930101015022'");
    const sentTo = async (address: string) => Number(((await db.get('select count(*) as n from outbox where address = ?', address)) as { n: number }).n);
    expect(await sentTo('aisyah@anm.gov.my')).toBe(1);
    await db.close();

    const resent = cli(first.env, ['resend-verification', '--import', batch], sandbox);
    expect(resent.code, resent.out).toBe(0);
    expect(resent.out).toContain('verification link re-sent to 1 officer(s)');
    db = await reopenDb(first);
    expect(await sentTo('aisyah@anm.gov.my')).toBe(2);
    expect(await sentTo('badrul@anm.gov.my')).toBe(1);
    await db.close();
  }, CLI_TEST_TIMEOUT_MS);
});
