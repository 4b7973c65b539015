import { desc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../server/clients/createClient.js';
import { listClients } from '../../../server/clients/listClients.js';
import { revokeClient } from '../../../server/clients/revokeClient.js';
import { rotateClientSecret } from '../../../server/clients/rotateClientSecret.js';
import { AMINAH, call, makeDocument } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

let server: TestServer;
beforeEach(async () => {
  // Each anonymous refusal listed on its own, so these tests can read its row (by default a minute's
  // refusals are one row with a count: approvalsTally.test.ts).
  server = await startTestServer({ ROAMSIGN_REFUSALS_LISTED_PER_MINUTE: '100' });
});
afterEach(() => server.close());

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function tokenRequest(form: Record<string, string> | string, headers: Record<string, string> = {}) {
  const res = await server.app.request('/oauth2/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function tokenFor(id: string, secret: string, scope?: string): Promise<string> {
  const res = await tokenRequest({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }, { Authorization: basic(id, secret) });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

const createBody = (system = 'igfmas') => ({ nric: AMINAH.nric, system, documents: [makeDocument('STH-2026-000123')] });
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function auditRows() {
  const { auditLog } = server.services.db.t;
  return await server.services.db.orm.select().from(auditLog).orderBy(desc(auditLog.seq));
}

describe('POST /oauth2/token (RFC 6749 client credentials)', () => {
  it('issues a Bearer token to a client authenticating with HTTP Basic', async () => {
    const res = await tokenRequest({ grant_type: 'client_credentials' }, { Authorization: basic('demo-igfmas', 'sandbox') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.stringMatching(/^rs_at_[A-Za-z0-9_-]{43}$/), token_type: 'Bearer', expires_in: 3600, scope: 'signing approvals' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    // Stored only as a hash.
    const stored = (await server.services.db.orm.select().from(server.services.db.t.accessTokens));
    expect(stored.some((t) => t.tokenHash === res.body.access_token)).toBe(false);
    expect(stored.every((t) => /^[0-9a-f]{64}$/.test(t.tokenHash))).toBe(true);
  });

  it('accepts the credentials as form fields, and a narrower scope', async () => {
    const res = await tokenRequest({ grant_type: 'client_credentials', client_id: 'demo-speks', client_secret: 'sandbox', scope: 'approvals' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('approvals');
  });

  it.each<[string, Record<string, string> | string, Record<string, string>, number, string]>([
    ['a wrong secret', { grant_type: 'client_credentials' }, { Authorization: basic('demo-igfmas', 'not-sandbox') }, 401, 'invalid_client'],
    ['an unknown client', { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'sandbox' }, {}, 401, 'invalid_client'],
    ['no credentials at all', { grant_type: 'client_credentials' }, {}, 401, 'invalid_client'],
    ['a malformed Basic header', { grant_type: 'client_credentials' }, { Authorization: 'Basic !!!' }, 401, 'invalid_client'],
    ['a Basic header without a colon', { grant_type: 'client_credentials' }, { Authorization: `Basic ${Buffer.from('demo-igfmas').toString('base64')}` }, 401, 'invalid_client'],
    ['credentials given two ways', { grant_type: 'client_credentials', client_id: 'demo-igfmas', client_secret: 'sandbox' }, { Authorization: basic('demo-igfmas', 'sandbox') }, 400, 'invalid_request'],
    ['no grant_type', { client_id: 'demo-igfmas', client_secret: 'sandbox' }, {}, 400, 'invalid_request'],
    ['the password grant', { grant_type: 'password', username: 'a', password: 'b' }, { Authorization: basic('demo-igfmas', 'sandbox') }, 400, 'unsupported_grant_type'],
    ['a repeated parameter', 'grant_type=client_credentials&grant_type=client_credentials', { Authorization: basic('demo-igfmas', 'sandbox') }, 400, 'invalid_request'],
    ['an unknown scope', { grant_type: 'client_credentials', scope: 'signing admin' }, { Authorization: basic('demo-igfmas', 'sandbox') }, 400, 'invalid_scope'],
    ['a JSON body', '{"grant_type":"client_credentials"}', { 'Content-Type': 'application/json', Authorization: basic('demo-igfmas', 'sandbox') }, 400, 'invalid_request'],
  ])('refuses %s with the RFC 6749 error shape, audited without the secret', async (_name, form, headers, status, error) => {
    const res = await tokenRequest(form, headers);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error, error_description: expect.any(String) });
    if (status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const [latest] = await auditRows();
    expect(latest).toMatchObject({ action: 'token.refused', actor: 'anonymous', details: { error } });
    expect(JSON.stringify(latest)).not.toContain('not-sandbox');
  });

  it('refuses a body over 8 KB', async () => {
    const res = await tokenRequest({ grant_type: 'client_credentials', padding: 'x'.repeat(10_000) }, { Authorization: basic('demo-igfmas', 'sandbox') });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('the signing API: a browser (Origin) or a registered system (Bearer), nobody else', () => {
  it('a call with neither Origin nor token is 401 unauthorized, and changes nothing', async () => {
    const before = (await auditRows()).length;
    const res = await server.app.request('/api/v1/signing-requests', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(createBody()) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="RoamSign"/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await auditRows()).length).toBe(before);
    expect((await server.services.outbox.list(AMINAH.nric)).length).toBe(0);
    for (const path of ['/api/v1/signing-requests/sr_AAAAAAAAAAAAAAAAAAAAAA', '/api/v1/signing-requests/sr_AAAAAAAAAAAAAAAAAAAAAA/complete']) {
      const other = await server.app.request(path, { method: path.endsWith('complete') ? 'POST' : 'GET' });
      expect(other.status).toBe(401);
    }
  });

  it('a token acts for its own system: creates, reads and completes for it; another system is 403 forbidden', async () => {
    const igfmas = await tokenFor('demo-igfmas', 'sandbox');
    const created = await call(server, 'POST', '/api/v1/signing-requests', createBody('igfmas'), bearer(igfmas));
    expect(created.status).toBe(201);
    expect((await auditRows()).find((r) => r.action === 'request.created')!.details).toMatchObject({ client: 'demo-igfmas', origin: null });

    const other = await call(server, 'POST', '/api/v1/signing-requests', createBody('speks'), bearer(igfmas));
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');

    const speks = await tokenFor('demo-speks', 'sandbox');
    for (const [method, path] of [
      ['GET', `/api/v1/signing-requests/${created.body.id}`],
      ['POST', `/api/v1/signing-requests/${created.body.id}/cancel`],
      ['POST', `/api/v1/signing-requests/${created.body.id}/otp`],
    ] as const) {
      const res = await call(server, method, path, undefined, bearer(speks));
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await call(server, 'GET', `/api/v1/signing-requests/${created.body.id}`, undefined, bearer(igfmas))).body.status).toBe('pending');
  });

  it.each([
    ['a token nobody issued', 'Bearer rs_at_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 401, 'unauthorized'],
    ['a malformed Authorization header', 'Token abc', 401, 'unauthorized'],
    ['Basic credentials instead of a token', basic('demo-igfmas', 'sandbox'), 401, 'unauthorized'],
  ])('%s is 401', async (_name, authorization, status, code) => {
    const res = await call(server, 'POST', '/api/v1/signing-requests', createBody(), { Authorization: authorization });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('a token without the signing scope is 403; an expired token is 401', async () => {
    const approvalsOnly = await tokenFor('demo-igfmas', 'sandbox', 'approvals');
    const res = await call(server, 'POST', '/api/v1/signing-requests', createBody(), bearer(approvalsOnly));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('insufficient_scope');

    const token = await tokenFor('demo-igfmas', 'sandbox');
    server.clock.advance(3601 * 1000);
    expect((await call(server, 'POST', '/api/v1/signing-requests', createBody(), bearer(token))).status).toBe(401);
  });

  it('a browser call still works by its Origin alone, with no secret', async () => {
    const res = await call(server, 'POST', '/api/v1/signing-requests', createBody(), { Origin: 'https://igfmas.anm.gov.my' });
    expect(res.status).toBe(201);
  });
});

describe('clients: created, rotated and revoked; secrets shown once and stored hashed', () => {
  it('a new client works; rotation kills the old secret and its tokens; revocation kills everything', async () => {
    const created = await createClient(server.services, { system: 'eperolehan', name: 'ePerolehan back end', actor: 'test' });
    expect(created.clientId).toMatch(/^eperolehan-[0-9a-f]{12}$/);
    expect(created.clientSecret).toMatch(/^rs_cs_[A-Za-z0-9_-]{43}$/);
    const row = (await server.services.db.orm.select().from(server.services.db.t.clients).where(eq(server.services.db.t.clients.id, created.clientId)))[0]!;
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.clientSecret);

    const first = await tokenFor(created.clientId, created.clientSecret);
    expect((await call(server, 'POST', '/api/v1/signing-requests', createBody('eperolehan'), bearer(first))).status).toBe(201);

    const rotated = await rotateClientSecret(server.services, { clientId: created.clientId, actor: 'test' });
    expect(rotated.clientSecret).not.toBe(created.clientSecret);
    expect((await tokenRequest({ grant_type: 'client_credentials' }, { Authorization: basic(created.clientId, created.clientSecret) })).status).toBe(401);
    expect((await call(server, 'GET', '/api/v1/signing-requests/sr_AAAAAAAAAAAAAAAAAAAAAA', undefined, bearer(first))).status).toBe(401);
    const second = await tokenFor(created.clientId, rotated.clientSecret);

    expect(await revokeClient(server.services, { clientId: created.clientId, actor: 'test' })).toBe('revoked');
    expect(await revokeClient(server.services, { clientId: created.clientId, actor: 'test' })).toBe('already_revoked');
    expect((await call(server, 'GET', '/api/v1/signing-requests/sr_AAAAAAAAAAAAAAAAAAAAAA', undefined, bearer(second))).status).toBe(401);
    const refused = await tokenRequest({ grant_type: 'client_credentials' }, { Authorization: basic(created.clientId, rotated.clientSecret) });
    expect(refused.status).toBe(401);
    expect((await auditRows())[0]).toMatchObject({ action: 'token.refused', details: { reason: 'revoked' } });

    const actions = (await auditRows()).filter((r) => r.subject === created.clientId).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['client.created', 'client.rotated', 'client.revoked', 'token.issued']));
    expect((await listClients(server.services, { system: 'eperolehan' })).filter((c) => c.clientId !== 'demo-eperolehan')).toEqual([
      expect.objectContaining({ clientId: created.clientId, name: 'ePerolehan back end', revokedAt: expect.any(String), rotatedAt: expect.any(String) }),
    ]);
    // No secret or token anywhere in the audit log or the server's log lines.
    const everything = JSON.stringify(await auditRows()) + server.logs.join('\n');
    for (const secret of [created.clientSecret, rotated.clientSecret, first, second]) expect(everything).not.toContain(secret);
  });

  it('a client for a system that does not exist is refused', async () => {
    await expect(createClient(server.services, { system: 'sap', actor: 'test' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('the sandbox clients never exist or work outside sandbox mode', async () => {
    expect((await listClients(server.services)).map((c) => c.clientId)).toEqual(expect.arrayContaining(['demo-igfmas', 'demo-eperolehan', 'demo-speks']));
    const token = await tokenFor('demo-igfmas', 'sandbox');
    const dataDir = server.dataDir;
    await server.close();
    // The same data folder, sandbox off (a production start).
    server = await startTestServer({ ROAMSIGN_SANDBOX: '0', ROAMSIGN_SMTP_URL: 'smtp://127.0.0.1:9' }, { dataDir });
    expect((await listClients(server.services)).filter((c) => c.clientId.startsWith('demo-'))).toEqual([]);
    expect((await call(server, 'GET', '/api/v1/signing-requests/sr_AAAAAAAAAAAAAAAAAAAAAA', undefined, bearer(token))).status).toBe(401);
    expect((await tokenRequest({ grant_type: 'client_credentials' }, { Authorization: basic('demo-igfmas', 'sandbox') })).status).toBe(401);
  });
});

describe('the OpenAPI description', () => {
  it('declares the token endpoint, the system client scheme, and the approvals endpoint', async () => {
    const doc = (await (await server.app.request('/openapi.json')).json()) as any;
    expect(doc.components.securitySchemes.systemClient.flows.clientCredentials).toEqual({
      tokenUrl: 'http://localhost:8787/oauth2/token',
      scopes: { signing: expect.any(String), approvals: expect.any(String) },
    });
    expect(Object.keys(doc.paths['/oauth2/token'].post.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(doc.paths['/api/v1/signing-requests'].post.security).toEqual([{ browserOrigin: [] }, { systemClient: ['signing'] }]);
    expect(doc.paths['/api/v1/signing-requests'].post.responses['401'].description).toContain('unauthorized');
    expect(doc.paths['/api/v1/approvals'].post.security).toEqual([{ systemClient: ['approvals'] }]);
    expect(doc.paths['/api/v1/approvals'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['rule', 'officer', 'document', 'signature', 'tokenOfficers', 'maxAgeSeconds']),
    );
  });
});

describe('failed client authentications (issue 17)', () => {
  it('get 429 after a few per source and minute (a right secret too), and are audited as a few rows plus one row with the count', async () => {
    await server.close();
    server = await startTestServer({ ROAMSIGN_REFUSALS_LISTED_PER_MINUTE: '2', ROAMSIGN_FAILED_CLIENT_AUTH_PER_MINUTE: '5' });
    const wrong = () => tokenRequest({ grant_type: 'client_credentials' }, { Authorization: basic('demo-igfmas', 'salah') });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await wrong()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const right = await tokenRequest({ grant_type: 'client_credentials' }, { Authorization: basic('demo-igfmas', 'sandbox') });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toBe('60');
    const refused = async () => (await auditRows()).filter((r) => r.action === 'token.refused');
    expect(await refused()).toHaveLength(2);

    // The next minute: authentication works again, and the closed minute is one row with its count.
    server.clock.advance(60_000);
    expect((await wrong()).status).toBe(401);
    const rows = await refused();
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => (r.details as { aggregate?: boolean }).aggregate)?.details).toMatchObject({ aggregate: true, source: 'unknown', count: 9, listed: 2 });
    expect((await tokenRequest({ grant_type: 'client_credentials' }, { Authorization: basic('demo-igfmas', 'sandbox') })).status).toBe(200);
  });
});
