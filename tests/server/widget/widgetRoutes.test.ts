import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH, call, makeDocument } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ROAMSIGN_ALLOWED_ORIGINS: 'https://agency.example.gov.my' });
});
afterAll(() => server.close());

describe('widget assets', () => {
  it('the loader is at most 3 KB, its page helpers 4 KB and the dialog 20 KB gzipped', async () => {
    const loader = await (await server.app.request('/widget.js')).text();
    const page = await (await server.app.request('/widget/page.js')).text();
    const frame = await (await server.app.request('/widget/frame.js')).text();
    expect(loader).toContain('roamsign:sign');
    expect(page).toContain('roamsign:helpers');
    expect(frame).toContain('Tandatangan berjaya');
    expect(gzipSync(loader).length).toBeLessThanOrEqual(3 * 1024);
    expect(gzipSync(page).length).toBeLessThanOrEqual(4 * 1024);
    expect(gzipSync(frame).length).toBeLessThanOrEqual(20 * 1024);
  });

  it("the frame carries its system's screen rules, safely inside a JSON block", async () => {
    const html = await (await server.app.request('/widget/frame?system=eperolehan')).text();
    const json = /<script type="application\/json" id="rs-screens">([^<]*)<\/script>/.exec(html)![1]!;
    expect((JSON.parse(json) as { buttons: string }[])[0]!.buttons).toBe('#btnPerakui, #btnSahkan, #btnLulus');
  });

  it('GET /widget/csp states exactly the sources an embedding page must allow', async () => {
    const res = await server.app.request('/widget/csp');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { directives: Record<string, string[]>; example: string };
    expect(body.directives).toEqual({ 'script-src': ['http://localhost:8787'], 'frame-src': ['http://localhost:8787'] });
    expect(body.example).toBe("Content-Security-Policy: script-src 'self' http://localhost:8787; frame-src 'self' http://localhost:8787");
  });

  it('the frame may be framed only by the origins allowed for its system', async () => {
    const res = await server.app.request('/widget/frame?system=speks&lang=en');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    const ancestors = /frame-ancestors ([^;]+)/.exec(csp)![1]!.split(' ');
    expect(ancestors).toEqual(expect.arrayContaining(['https://speks.anm.gov.my', 'http://localhost:8787', 'https://agency.example.gov.my']));
    expect(ancestors).not.toContain('https://igfmas.anm.gov.my');
    expect(csp).toContain("script-src 'self'");
    expect(await res.text()).toContain('<html lang="en">');
  });

  it.each(['sap', 'Not An Id', ''])('an unknown or malformed system %j gets no frame', async (system) => {
    expect((await server.app.request(`/widget/frame?system=${encodeURIComponent(system)}`)).status).toBe(400);
  });

});

describe('the page origin reported by the frame', () => {
  const body = { nric: AMINAH.nric, system: 'igfmas', documents: [makeDocument('STH-1')] };
  const fromFrame = (pageOrigin: string) => ({ Origin: 'http://localhost:8787', 'X-RoamSign-Page-Origin': pageOrigin });

  it('binds the request to the page origin and is checked against the system', async () => {
    const ok = await call(server, 'POST', '/api/v1/signing-requests', body, fromFrame('https://igfmas.anm.gov.my'));
    expect(ok.status).toBe(201);
    const view = await call(server, 'GET', `/api/v1/signing-requests/${ok.body.id}`, undefined, fromFrame('https://igfmas.anm.gov.my'));
    expect(view.body.origin).toBe('https://igfmas.anm.gov.my');
    // The same frame acting for another page may not touch it.
    const other = await call(server, 'GET', `/api/v1/signing-requests/${ok.body.id}`, undefined, fromFrame('https://agency.example.gov.my'));
    expect(other.body.error.code).toBe('origin_not_allowed');
  });

  it('a well-formed system id nobody registered cannot open a signing request (bad_request, nothing stored)', async () => {
    const res = await call(server, 'POST', '/api/v1/signing-requests', { ...body, system: 'speks-johor' }, { Origin: 'https://agency.example.gov.my' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  it('refuses a page origin not allowed for the system', async () => {
    const res = await call(server, 'POST', '/api/v1/signing-requests', body, fromFrame('https://evil.example'));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('origin_not_allowed');
  });

  it('is ignored when it does not come from the frame (another origin cannot claim a page origin)', async () => {
    const res = await call(server, 'POST', '/api/v1/signing-requests', body, { Origin: 'https://agency.example.gov.my', 'X-RoamSign-Page-Origin': 'https://igfmas.anm.gov.my' });
    expect(res.status).toBe(201);
    const view = await call(server, 'GET', `/api/v1/signing-requests/${res.body.id}`);
    expect(view.body.origin).toBe('https://agency.example.gov.my');
  });

  it('must be an origin', async () => {
    const res = await call(server, 'POST', '/api/v1/signing-requests', body, fromFrame('javascript:alert(1)'));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });
});
