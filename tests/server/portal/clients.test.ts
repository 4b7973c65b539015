import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listClients } from '../../../server/clients/listClients.js';
import { AMINAH, call, documentBytes, sha256b64 } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { addAgency, signInNewAdmin, type Browser } from './browser.js';

// Issue 9.1: systems' OAuth 2.0 clients are created, rotated and revoked in the administrator portal too.
let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

async function token(clientId: string, secret: string): Promise<number> {
  const res = await server.app.request('/oauth2/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  return res.status;
}

function shownSecret(text: string): { clientId: string; secret: string } {
  const codes = [...text.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1]!);
  expect(codes).toHaveLength(2);
  return { clientId: codes[0]!, secret: codes[1]! };
}

async function create(browser: Browser, fields: Record<string, string>) {
  await browser.get('/portal/admin/clients');
  return browser.post('/portal/admin/clients', fields);
}

describe('system clients in the administrator portal', () => {
  it('a national administrator registers a client: the secret is shown once, never cached, stored only as a hash, and works', async () => {
    const { browser } = await signInNewAdmin(server);
    expect((await browser.get('/portal/admin')).text).toContain('/portal/admin/clients');
    const shown = await create(browser, { system: 'igfmas', name: 'iGFMAS Putrajaya', 'scope-signing': '1' });
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    const { clientId, secret } = shownSecret(shown.text);
    expect(secret).toMatch(/^rs_cs/);
    const stored = (await listClients(server.services)).find((x) => x.clientId === clientId);
    expect(stored).toMatchObject({ system: 'igfmas', name: 'iGFMAS Putrajaya', scopes: ['signing'], revokedAt: null });
    expect(JSON.stringify(await server.services.db.all('select * from clients'))).not.toContain(secret);
    expect(await token(clientId, secret)).toBe(200);
    // The list shows the client, never its secret.
    const list = await browser.get('/portal/admin/clients');
    expect(list.text).toContain(clientId);
    expect(list.text).not.toContain(secret);
  });

  it('rotating asks first, names the consequence; cancelling changes nothing; confirming kills the old secret', async () => {
    const { browser } = await signInNewAdmin(server);
    const { clientId, secret } = shownSecret((await create(browser, { system: 'speks', 'scope-signing': '1', 'scope-approvals': '1' })).text);
    const confirm = await browser.get(`/portal/admin/clients/${clientId}/rotate`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('berhenti berfungsi serta-merta');
    expect(confirm.text).toContain(clientId);
    // Cancel is a link back: the secret still works.
    expect(confirm.text).toContain('href="/portal/admin/clients">Batal');
    expect(await token(clientId, secret)).toBe(200);
    const rotated = await browser.post(`/portal/admin/clients/${clientId}/rotate`, {});
    expect(rotated.status).toBe(200);
    const fresh = shownSecret(rotated.text);
    expect(fresh.clientId).toBe(clientId);
    expect(fresh.secret).not.toBe(secret);
    expect(await token(clientId, secret)).toBe(401);
    expect(await token(clientId, fresh.secret)).toBe(200);
  });

  it('revoking asks first; then the client is refused and offers no more actions', async () => {
    const { browser } = await signInNewAdmin(server);
    const { clientId, secret } = shownSecret((await create(browser, { system: 'eperolehan', 'scope-signing': '1' })).text);
    expect((await browser.get(`/portal/admin/clients/${clientId}/revoke`)).text).toContain('tidak boleh diaktifkan semula');
    const revoked = await browser.post(`/portal/admin/clients/${clientId}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect(revoked.location).toBe('/portal/admin/clients?ok=client_revoked');
    expect(await token(clientId, secret)).toBe(401);
    const list = await browser.get('/portal/admin/clients');
    const row = new RegExp(`<tr data-client="${clientId}">[\\s\\S]*?</tr>`).exec(list.text)![0];
    expect(row).toContain('Dibatalkan');
    expect(row).not.toContain('/rotate');
    expect(row).not.toContain('/revoke');
    // A second revoke through an old confirmation page changes nothing.
    expect((await browser.get(`/portal/admin/clients/${clientId}/revoke`)).location).toBe('/portal/admin/clients?ok=client_already_revoked');
  });

  it('bad input: no scope or an unknown system keeps the typed name and registers nothing; a bad id is a 400', async () => {
    const { browser } = await signInNewAdmin(server);
    const before = (await listClients(server.services)).length;
    const noScope = await create(browser, { system: 'igfmas', name: 'Pelayan A' });
    expect(noScope.status).toBe(400);
    expect(noScope.text).toContain('Pilih sekurang-kurangnya satu skop.');
    expect(noScope.text).toContain('value="Pelayan A"');
    const unknown = await create(browser, { system: 'tiada', name: 'Pelayan B', 'scope-signing': '1' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Sistem tidak dikenali.');
    expect((await listClients(server.services)).length).toBe(before);
    expect((await browser.get('/portal/admin/clients/..%2F..%2Fx/rotate')).status).toBe(400);
    expect((await browser.get('/portal/admin/clients/igfmas-000000000000/rotate')).status).toBe(404);
  });

  it('agency administrators may not see or manage clients; a post without the form token is refused', async () => {
    await addAgency(server, '1010', 'Agensi Ujian');
    const { browser } = await signInNewAdmin(server, 'sap', '1010');
    expect((await browser.get('/portal/admin')).text).not.toContain('/portal/admin/clients');
    expect((await browser.get('/portal/admin/clients')).status).toBe(403);
    const before = (await listClients(server.services)).length;
    expect((await browser.post('/portal/admin/clients', { system: 'igfmas', 'scope-signing': '1' })).status).toBe(403);
    const national = await signInNewAdmin(server);
    await national.browser.get('/portal/admin/clients');
    expect((await national.browser.post('/portal/admin/clients', { system: 'igfmas', 'scope-signing': '1' }, { csrf: 'forged' })).status).toBe(403);
    expect((await listClients(server.services)).length).toBe(before);
  });

  it('English is one switch away', async () => {
    const { browser } = await signInNewAdmin(server);
    const page = await browser.get('/portal/admin/clients?lang=en');
    expect(page.text).toContain('System clients (OAuth 2.0)');
    expect(page.text).toContain('<html lang="en">');
  });
});

describe('a NUL byte in an id (found by the route fuzzer on PostgreSQL)', () => {
  it('is a 4xx on every database, never a 500', async () => {
    const { browser } = await signInNewAdmin(server);
    for (const path of ['/portal/admin/admins/%00/reset', '/portal/admin/applications/%00/approve', '/portal/admin/officers/900101011234/passkeys/%00/revoke']) {
      const res = await browser.post(path, {});
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
    const api = await server.app.request('/api/v1/signing-requests/sr_%00', { headers: { Origin: 'https://igfmas.anm.gov.my' } });
    expect(api.status).toBeGreaterThanOrEqual(400);
    expect(api.status).toBeLessThan(500);
  });

  it('in a document id or title is refused at the API boundary on both databases, before anything is stored or signed', async () => {
    const before = Number((await server.services.db.get<{ n: number }>('select count(*) as n from signing_requests'))!.n);
    for (const document of [
      { id: 'STH-\u0000-1', digest: sha256b64(documentBytes('x')) },
      { id: 'STH-2', digest: sha256b64(documentBytes('x')), summary: { title: 'Bayaran\u0000' } },
    ]) {
      const res = await call(server, 'POST', '/api/v1/signing-requests', { nric: AMINAH.nric, system: 'igfmas', documents: [document] });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
    expect(Number((await server.services.db.get<{ n: number }>('select count(*) as n from signing_requests'))!.n)).toBe(before);
    // A line break in a title is text, not a control character to refuse.
    const ok = await call(server, 'POST', '/api/v1/signing-requests', { nric: AMINAH.nric, system: 'igfmas', documents: [{ id: 'STH-3', digest: sha256b64(documentBytes('x')), summary: { title: 'Bayaran\nbekalan' } }] });
    expect(ok.status).toBe(201);
  });
});
