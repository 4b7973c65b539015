import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { healthSchema } from '../../../shared/schemas/health.js';
import { completedSigningRequestSchema, createdSigningRequestSchema, createSigningRequestSchema, MAX_BATCH_DOCUMENTS, signingRequestViewSchema } from '../../../shared/schemas/signingRequest.js';
import { mediumAnswerSchema } from '../../../shared/schemas/users.js';
import { verificationReportSchema } from '../../../shared/schemas/verify.js';
import { AMINAH, apiClient, createRequest, latestOtp, makeDocument, systemApiClient } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

type Operation = { security?: Record<string, string[]>[]; requestBody?: { content: Record<string, { schema: unknown; example?: unknown }> }; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, any>; securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }> };
};

let server: TestServer;
let doc: Document;
beforeAll(async () => {
  server = await startTestServer();
  const res = await server.app.request('/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;
});
afterAll(() => server.close());

const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

describe('/openapi.json is generated from the route declarations', () => {
  it('is OpenAPI 3.1 and lists every API.md endpoint', () => {
    expect(doc.openapi).toBe('3.1.0');
    const listed = operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    for (const endpoint of [
      'GET /api/v1/health',
      'GET /api/v1/users/{nric}/medium',
      'POST /api/v1/signing-requests',
      'GET /api/v1/signing-requests/{id}',
      'POST /api/v1/signing-requests/{id}/otp',
      'POST /api/v1/signing-requests/{id}/complete',
      'POST /api/v1/signing-requests/{id}/cancel',
      'POST /api/v1/verify',
      'GET /api/v1/dev/outbox',
      'GET /ca.crt',
      'GET /ca.pem',
      'GET /crl',
      'GET /crl.pem',
    ]) {
      expect(listed).toContain(endpoint);
    }
  });

  it('documents every route the app serves under /api/v1 (a new route must be declared with createRoute)', () => {
    const documented = new Set(operations().map(({ method, path }) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    const served = server.app.routes
      .filter((r) => r.path.startsWith('/api/v1/') && !r.path.endsWith('*') && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`);
    expect(served.length).toBeGreaterThan(10);
    for (const route of served) expect(documented, route).toContain(route);
  });

  it('every answer of every operation has a schema, and every error answer is the Error schema (the token endpoint: RFC 6749\'s; OCSP: RFC 6960\'s own answer)', () => {
    for (const { path, method, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        const contents = Object.values(response.content ?? {});
        expect(contents.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        for (const content of contents) expect(content.schema, `${method} ${path} ${status}`).toBeDefined();
        const errorSchema = path === '/oauth2/token' ? 'OAuthError' : 'Error';
        // An OCSP client reads an OCSPResponse whatever went wrong (malformedRequest), never JSON.
        if (path.startsWith('/ocsp')) {
          expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toEqual(['application/ocsp-response']);
          continue;
        }
        if (Number(status) >= 400) expect(contents[0]!.schema, `${method} ${path} ${status}`).toEqual({ $ref: `#/components/schemas/${errorSchema}` });
      }
    }
  });

  it('request bodies are the validating schemas: strict objects, the batch limit, the API.md error codes', () => {
    const create = doc.components.schemas['CreateSigningRequest'];
    expect(create.additionalProperties).toBe(false);
    expect(create.properties.documents.maxItems).toBe(MAX_BATCH_DOCUMENTS);
    expect(create.required).toEqual(expect.arrayContaining(['nric', 'system', 'documents']));
    expect(doc.paths['/api/v1/signing-requests']!['post']!.requestBody!.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/CreateSigningRequest' });
    expect(doc.components.schemas['Error'].properties.error.properties.code.enum).toContain('payload_too_large');
  });

  it('declares OAuth 2.0 client credentials for systems and the device token for GPKI Mobile, and uses them', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes['systemClient']).toMatchObject({ type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'http://localhost:8787/oauth2/token' } } });
    expect(schemes['deviceToken']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes['deviceTokenQuery']).toMatchObject({ type: 'apiKey', in: 'query', name: 'token' });
    expect(schemes['browserOrigin']).toMatchObject({ type: 'apiKey', in: 'header', name: 'Origin' });
    // Issue 23 item 14: a browser's Origin or a system's token, one of them required (never "optional").
    expect(doc.paths['/api/v1/signing-requests']!['post']!.security).toEqual([{ browserOrigin: [] }, { systemClient: ['signing'] }]);
    for (const { path, method, op } of operations()) expect(op.security ?? [], `${method} ${path}`).not.toContainEqual({});
    expect(doc.paths['/api/v1/mobile/device']!['get']!.security).toEqual([{ deviceToken: [] }]);
  });
});

/** Parses an answer with its documented schema, and checks it has no field the schema leaves out. */
function conforms(schema: z.ZodObject, body: object) {
  schema.parse(body);
  for (const key of Object.keys(body)) expect(Object.keys(schema.shape), `undocumented field ${key}`).toContain(key);
}

describe('the server answers what it documents', () => {
  it('health, medium, create, read, complete and verify answers parse with their response schemas', async () => {
    const client = await systemApiClient(server);
    conforms(healthSchema, await (await client.api.v1.health.$get()).json());
    conforms(mediumAnswerSchema, await (await client.api.v1.users[':nric'].medium.$get({ param: { nric: AMINAH.nric } })).json());

    const created = await createRequest(server);
    expect(created.status).toBe(201);
    conforms(createdSigningRequestSchema, created.body);
    conforms(signingRequestViewSchema, await (await client.api.v1['signing-requests'][':id'].$get({ param: { id: created.body.id } })).json());

    const otp = await latestOtp(server, created.body.id);
    const done = await client.api.v1['signing-requests'][':id'].complete.$post({ param: { id: created.body.id }, json: { pin: AMINAH.pin, otp } });
    const signed = await done.json();
    conforms(completedSigningRequestSchema, signed);
    if (!('signatures' in signed)) throw new Error('not signed');

    const report = await client.api.v1.verify.$post({ json: { signature: signed.signatures[0]!.signature, digest: makeDocument('STH-2026-000123').digest } });
    conforms(verificationReportSchema, await report.json());
  });
});

describe('/docs', () => {
  it('is our own page rendered from the OpenAPI document: a language, a strict CSP, one script of our own, nothing from elsewhere', async () => {
    const res = await server.app.request('/docs');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<html lang="en">');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:|unsafe-eval/);
    expect(page.match(/<script\b[^>]*>/g)).toEqual(['<script src="/docs/try-it.js">']);
    expect(page).not.toMatch(/https?:\/\/(?!localhost)/);
    expect(page).not.toContain('../shared');
    // Every operation of the document has its section and its try-it form.
    for (const { method, path } of operations()) expect(page, `${method} ${path}`).toContain(`<button type="submit">Send ${method.toUpperCase()} ${path}</button>`);
    // Issue 23 item 11: the project's own design and API documents, linked from /docs and served by it.
    for (const name of ['design.md', 'api.md']) {
      expect(page).toContain(`<a href="/docs/${name}">`);
      const written = await server.app.request(`/docs/${name}`);
      expect(written.status, name).toBe(200);
      expect(await written.text()).toBe(fs.readFileSync(`docs/${name}`, 'utf8'));
    }
    expect((await server.app.request('/docs/security.md')).status).toBe(404);
    const script = await server.app.request('/docs/try-it.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('/api/v1/signing-requests/{id}');
  });

  it('every operation with a request body has an example that validates, and the create example names the demo officer (issue 23 item 14)', () => {
    for (const { path, method, op } of operations()) {
      const content = Object.entries(op.requestBody?.content ?? {})[0];
      // Binary bodies (a PDF, an OCSP request) are a file chosen in the form, not an example.
      if (!content || !/json|x-www-form-urlencoded/.test(content[0])) continue;
      expect(content[1].example, `${method} ${path}`).toBeDefined();
    }
    const example = doc.paths['/api/v1/signing-requests']!['post']!.requestBody!.content['application/json']!.example;
    expect(createSigningRequestSchema.parse(example)).toMatchObject({ nric: AMINAH.nric, system: 'igfmas' });
  });
});
