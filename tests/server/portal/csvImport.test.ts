import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { CLI_ACTOR } from '../../../server/portal/adminPortal.js';
import { importOfficers, parseCsv } from '../../../server/portal/csvImport.js';
import { addAgency, latestVerificationToken, signInNewAdmin } from './browser.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await addAgency(server, '2001', 'Jabatan Kerja Raya');
});
afterAll(() => server?.close());

const CSV = [
  'nric,name,email,agency,accounting_office,system',
  '910101015001,Ahmad bin Ali,ahmad@anm.gov.my,1009,JANM Perlis,igfmas',
  '"910202-02-5002","Lim, Mei Ling",lim@anm.gov.my,1009,JANM Perlis,ePerolehan',
  '91020202500,Nombor Pendek,pendek@anm.gov.my,1009,JANM Perlis,igfmas',
  '911301015003,Bulan Salah,bulan@anm.gov.my,1009,JANM Perlis,igfmas',
  '910303035004,Emel Rosak,bukan-emel,1009,JANM Perlis,igfmas',
  '910404045005,Agensi Tiada,tiada@anm.gov.my,7777,JANM Perlis,igfmas',
  '910505055006,Agensi Lain,lain@jkr.gov.my,2001,JKR,speks',
  '910606065007,Sistem Salah,sistem@anm.gov.my,1009,JANM Perlis,sap-fi',
  '910101015001,Ahmad Berulang,ahmad2@anm.gov.my,1009,JANM Perlis,igfmas',
  '750303039999,Rajesh a/l Kumar,rajesh@anm.gov.my,1009,JANM Perlis,igfmas',
  '910707075008,Lajur Kurang,kurang@anm.gov.my,1009',
  '',
].join('\r\n');

describe('CSV import (the rollout template)', () => {
  it('parses quoted fields', () => {
    expect(parseCsv('a,"b, c","d ""e"""\n1,2,3')).toEqual([
      ['a', 'b, c', 'd "e"'],
      ['1', '2', '3'],
    ]);
  });

  it('an sap of 1009 imports: good rows created or updated, each bad row rejected with its reason', async () => {
    const { browser } = await signInNewAdmin(server, 'sap', '1009');
    const form = new FormData();
    form.set('file', new File([CSV], 'pegawai.csv', { type: 'text/csv' }));
    const res = await browser.postMultipart('/portal/admin/import', form);
    expect(res.status, res.text).toBe(200);
    const rows = [...res.text.matchAll(/data-row="(\d+)" data-status="(\w+)" data-reason="(\w*)"/g)].map((m) => [Number(m[1]), m[2], m[3]]);
    expect(rows).toEqual([
      [2, 'created', ''],
      [3, 'created', ''],
      [4, 'rejected', 'bad_nric'],
      [5, 'rejected', 'bad_nric'],
      [6, 'rejected', 'bad_email'],
      [7, 'rejected', 'unknown_agency'],
      [8, 'rejected', 'agency_outside_scope'],
      [9, 'rejected', 'unknown_system'],
      [10, 'rejected', 'duplicate_in_file'],
      [11, 'updated', ''],
      [12, 'rejected', 'bad_row'],
    ]);
    expect(res.text).toContain('No. MyKad berulang dalam fail.');
    const { db } = server.services;
    expect(await db.get('select name, system, media, agency_code as a from officers where nric = ?', '910202025002')).toEqual({ name: 'Lim, Mei Ling', system: 'eperolehan', media: '["roaming"]', a: '1009' });
    expect(await db.get('select count(*) as n from officers where nric in (?, ?, ?)', '910505055006', '910404045005', '910606065007')).toEqual({ n: 0 });
    // The token officer gained roaming; each new officer got a verification link.
    expect(await db.get('select media from officers where nric = ?', '750303039999')).toEqual({ media: '["token","roaming"]' });
    expect(await latestVerificationToken(server, 'ahmad@anm.gov.my')).toBeTruthy();
    expect(await latestVerificationToken(server, 'lim@anm.gov.my')).toBeTruthy();
    expect(await server.services.outbox.list('ahmad2@anm.gov.my')).toHaveLength(0);
  });

  it('the national scope may import into any known agency; a wrong header is refused', async () => {
    const report = await importOfficers(server.services, CLI_ACTOR, 'nric,name,email,agency,accounting_office,system\n920505055010,Pegawai JKR,jkr@jkr.gov.my,2001,JKR,speks\n');
    expect(report).toEqual([{ row: 2, nric: '920505055010', status: 'created', reason: null }]);
    await expect(importOfficers(server.services, CLI_ACTOR, 'mykad,nama\n1,2\n')).rejects.toMatchObject({ code: 'bad_request', details: { reason: 'bad_csv_header' } });
  });
});
