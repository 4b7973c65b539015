import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH, call } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { AMINAH_PHONE, counts, registerDevice } from './helpers.js';

let server: TestServer;
let secret: string;

beforeAll(async () => {
  server = await startTestServer();
  secret = (await registerDevice(server)).secret;
});
afterAll(() => server.close());

const good = { nric: AMINAH.nric, phone: AMINAH_PHONE, platform: 'android', label: 'Telefon' };
const bearer = () => ({ Authorization: `Bearer ${secret}` });
const REG = '/api/v1/mobile/registrations';
const CONFIRM = `${REG}/ch_AAAAAAAAAAAAAAAAAAAAAA/confirm`;

type Case = [name: string, method: string, path: string, body: unknown, status: number, code: string, headers?: () => Record<string, string>];

const cases: Case[] = [
  ['malformed JSON', 'POST', REG, '{"nric": "9001', 400, 'bad_request'],
  ['JSON array', 'POST', REG, '[]', 400, 'bad_request'],
  ['empty object', 'POST', REG, {}, 400, 'bad_request'],
  ['unknown field', 'POST', REG, { ...good, admin: true }, 400, 'bad_request'],
  ['nric not 12 digits', 'POST', REG, { ...good, nric: '90010101' }, 400, 'bad_request'],
  ['nric as a number', 'POST', REG, { ...good, nric: 900101011234 }, 400, 'bad_request'],
  ['phone with letters', 'POST', REG, { ...good, phone: '012-ABC-6701' }, 400, 'bad_request'],
  ['phone too long', 'POST', REG, { ...good, phone: '0'.repeat(40) }, 400, 'bad_request'],
  ['unknown platform', 'POST', REG, { ...good, platform: 'windows' }, 400, 'bad_request'],
  ['empty label', 'POST', REG, { ...good, label: '  ' }, 400, 'bad_request'],
  ['label too long', 'POST', REG, { ...good, label: 'x'.repeat(61) }, 400, 'bad_request'],
  ['huge body', 'POST', REG, { ...good, label: 'x'.repeat(1024 * 1024 + 10) }, 413, 'payload_too_large'],
  ['text/plain body', 'POST', REG, JSON.stringify(good), 400, 'bad_request', () => ({ 'Content-Type': 'text/plain' })],
  ['foreign origin', 'POST', REG, good, 403, 'origin_not_allowed', () => ({ Origin: 'https://evil.example' })],
  ['confirm: malformed id', 'POST', `${REG}/not-a-challenge/confirm`, { code: '123456' }, 400, 'bad_request'],
  ['confirm: code of 5 digits', 'POST', CONFIRM, { code: '12345' }, 400, 'bad_request'],
  ['confirm: code as a number', 'POST', CONFIRM, { code: 123456 }, 400, 'bad_request'],
  ['confirm: unknown field', 'POST', CONFIRM, { code: '123456', deviceId: 'x' }, 400, 'bad_request'],
  ['confirm: unknown challenge', 'POST', CONFIRM, { code: '123456' }, 404, 'not_found'],
  ['ack: no bearer', 'POST', '/api/v1/mobile/ack', { pushId: 'push_AAAAAAAAAAAAAAAA' }, 401, 'unauthorized'],
  ['ack: wrong bearer', 'POST', '/api/v1/mobile/ack', { pushId: 'push_AAAAAAAAAAAAAAAA' }, 401, 'unauthorized', () => ({ Authorization: 'Bearer rsd_notarealsecretatall' })],
  ['ack: basic auth', 'POST', '/api/v1/mobile/ack', { pushId: 'push_AAAAAAAAAAAAAAAA' }, 401, 'unauthorized', () => ({ Authorization: `Basic ${secret}` })],
  ['ack: malformed push id', 'POST', '/api/v1/mobile/ack', { pushId: 'x' }, 400, 'bad_request', bearer],
  ['ack: unknown field', 'POST', '/api/v1/mobile/ack', { pushId: 'push_AAAAAAAAAAAAAAAA', ok: 1 }, 400, 'bad_request', bearer],
  ['ack: unknown push', 'POST', '/api/v1/mobile/ack', { pushId: 'push_AAAAAAAAAAAAAAAA' }, 404, 'not_found', bearer],
  ['events: no token', 'GET', '/api/v1/mobile/events', undefined, 401, 'unauthorized'],
  ['events: wrong token', 'GET', '/api/v1/mobile/events?token=rsd_notarealsecretatall', undefined, 401, 'unauthorized'],
  ['events: unknown query', 'GET', '/api/v1/mobile/events?token=rsd_notarealsecretatall&x=1', undefined, 400, 'bad_request'],
  ['device: no bearer', 'GET', '/api/v1/mobile/device', undefined, 401, 'unauthorized'],
  ['device: token in the query is not enough', 'GET', `/api/v1/mobile/device?token=SECRET`, undefined, 401, 'unauthorized'],
  ['remove: no bearer', 'DELETE', '/api/v1/mobile/device', undefined, 401, 'unauthorized'],
  ['remove: wrong bearer', 'DELETE', '/api/v1/mobile/device', undefined, 401, 'unauthorized', () => ({ Authorization: 'Bearer rsd_notarealsecretatall' })],
];

describe('GPKI Mobile API: bad input gets a 4xx with a stable code and changes nothing', () => {
  it.each(cases)('%s', async (_name, method, path, body, status, code, headers) => {
    const before = await counts(server);
    const res = await call(server, method, path.replace('SECRET', secret), body, headers?.() ?? {});
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await counts(server)).toEqual(before);
  });

  it('the device is still active after all that', async () => {
    expect((await call(server, 'GET', '/api/v1/mobile/device', undefined, bearer())).status).toBe(200);
  });

  it("the server's own origin (the /mobile page) passes the origin check", async () => {
    const res = await call(server, 'POST', REG, good, { Origin: new URL(server.config.publicUrl).origin });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8787');
  });
});

describe('the /mobile web app', () => {
  it('serves the page with a strict CSP, in Bahasa Malaysia', async () => {
    const res = await server.app.request('/mobile');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<html lang="ms">');
    expect(html).toContain('/mobile/manifest.webmanifest');
    expect(html).toContain('/mobile/app.js');
  });

  it('is installable: a manifest with icon, start URL and standalone display, and a service worker for /mobile', async () => {
    const manifest = await server.app.request('/mobile/manifest.webmanifest');
    expect(manifest.headers.get('content-type')).toContain('application/manifest+json');
    expect(await manifest.json()).toMatchObject({ start_url: '/mobile', scope: '/mobile', display: 'standalone', icons: expect.any(Array) });
    const sw = await server.app.request('/mobile/sw.js');
    expect(sw.headers.get('service-worker-allowed')).toBe('/mobile');
    expect(await sw.text()).toContain("addEventListener('fetch'");
    const icon = await server.app.request('/mobile/icon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('bundles the app script', async () => {
    const res = await server.app.request('/mobile/app.js');
    expect(res.status).toBe(200);
    const js = await res.text();
    expect(js).toContain('/mobile/events?token=');
    expect(js).toContain('Buang akaun dari peranti ini');
  });
});
