import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH, WEIMING, createRequest } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { addAgency, signInNewAdmin, type Browser } from './browser.js';

let server: TestServer;
let sap: Browser;
let otherSap: Browser;
const DAY = 24 * 60 * 60 * 1000;
const row = (sql: string, ...args: unknown[]) => server.services.db.get(sql, ...args);
const isoDate = (ms: number) => new Date(ms + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);

beforeAll(async () => {
  server = await startTestServer();
  await addAgency(server, '2001', 'Jabatan Kerja Raya');
  sap = (await signInNewAdmin(server, 'sap', '1009')).browser;
  otherSap = (await signInNewAdmin(server, 'sap', '2001')).browser;
});
afterAll(() => server?.close());

describe('staff movement recorded in the administrators\' portal', () => {
  it('an sap of another agency cannot record a movement for this agency\'s officer (403, nothing recorded)', async () => {
    const res = await otherSap.post(`/portal/admin/officers/${AMINAH.nric}/movement`, { kind: 'retirement', effectiveDate: isoDate(server.clock.now), toAgency: '', confirmed: 'yes' });
    expect(res.status).toBe(403);
    expect(await row('select count(*) as n from movements')).toEqual({ n: 0 });
  });

  it('a bad date is refused and nothing is recorded', async () => {
    const res = await sap.post(`/portal/admin/officers/${AMINAH.nric}/movement`, { kind: 'retirement', effectiveDate: 'esok', toAgency: '', confirmed: 'yes' });
    expect(res.status).toBe(400);
    expect(await row('select count(*) as n from movements')).toEqual({ n: 0 });
  });

  it('a transfer keeps the certificate and moves the officer to the new agency', async () => {
    const res = await sap.post(`/portal/admin/officers/${WEIMING.nric}/movement`, { kind: 'transfer', effectiveDate: isoDate(server.clock.now - DAY), toAgency: '2001', confirmed: 'yes' });
    expect(res.status).toBe(303);
    expect(await row('select agency_code as a from officers where nric = ?', WEIMING.nric)).toEqual({ a: '2001' });
    expect(await row('select revoked_at as r from certificates where nric = ?', WEIMING.nric)).toEqual({ r: null });
    expect((await createRequest(server, { nric: WEIMING.nric })).status).toBe(201);
  });

  it('a retirement effective today stops signing at once and revokes the certificate onto the CRL', async () => {
    const res = await sap.post(`/portal/admin/officers/${AMINAH.nric}/movement`, { kind: 'retirement', effectiveDate: isoDate(server.clock.now - DAY), toAgency: '', confirmed: 'yes' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('ok=movement');
    const refused = await createRequest(server);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    const cert = await row('select serial, revoked_at as r from certificates where nric = ?', AMINAH.nric) as { serial: string; r: number | null };
    expect(cert.r).not.toBeNull();
    expect((await server.services.ca.currentCrl()).revoked.has(cert.serial)).toBe(true);
    expect(await row('select status from officers where nric = ?', AMINAH.nric)).toEqual({ status: 'retired' });
  });
});
