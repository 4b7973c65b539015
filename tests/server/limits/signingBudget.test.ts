import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AMINAH, latestOtp, makeDocument, systemToken, WEIMING } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { Caller, IGFMAS, listen, PORTAL_ORIGIN, tally } from './overHttp.js';

// Issue 9, "budgets an attacker cannot spend for the officer": an attacker who knows a MyKad
// number, forges Origin and sends from many addresses must not stop the officer's genuine signing,
// and the officer gets at most ROAMSIGN_UNKNOWN_SENDS_PER_HOUR (5) messages an hour from such callers.

let server: TestServer;
let http: Awaited<ReturnType<typeof listen>>;
beforeEach(async () => {
  server = await startTestServer({ ROAMSIGN_TRUSTED_PROXIES: '127.0.0.1' });
  http = await listen(server);
});
afterEach(async () => {
  await http.close();
  await server.close();
});

const createBody = (nric: string = AMINAH.nric) => ({ json: { nric, system: 'igfmas', documents: [makeDocument(`STH-${crypto.randomUUID()}`)] } });
const messagesTo = async (nric: string) => (await server.services.outbox.list(nric, 1000)).length;

/** A browser on iGFMAS's page that signs once with PIN and OTP: from then on it holds a trusted device cookie. */
async function signFrom(browser: Caller, nric: string = AMINAH.nric, pin: string = AMINAH.pin) {
  const created = await browser.send('POST', '/api/v1/signing-requests', createBody(nric));
  expect(created.status).toBe(201);
  const otp = await latestOtp(server, created.json.id, nric);
  return browser.send('POST', `/api/v1/signing-requests/${created.json.id}/complete`, { json: { pin, otp } });
}

describe('the anonymous-budget attack on signing', () => {
  it('56 anonymous and forged creates: the genuine browser and system still sign, the officer gets at most 5 of the attack messages', async () => {
    const officersBrowser = new Caller(http.base, '198.51.100.10', { Origin: IGFMAS });
    const signed = await signFrom(officersBrowser);
    expect(signed.status).toBe(200);
    expect(officersBrowser.cookies.get('rs_device')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const before = await messagesTo(AMINAH.nric);

    // Every shape a caller without credentials can take, each from its own address, all at once.
    const attack = Array.from({ length: 56 }, (_, i) => {
      const address = `203.0.113.${i + 1}`;
      const shapes = [
        new Caller(http.base, address), // no Origin, no token
        new Caller(http.base, address, { Origin: IGFMAS }), // iGFMAS's origin, forged
        new Caller(http.base, address, { Origin: PORTAL_ORIGIN, 'X-RoamSign-Page-Origin': IGFMAS }), // our own frame, forged
        new Caller(http.base, address, { Origin: IGFMAS, Cookie: `rs_device=${crypto.randomBytes(32).toString('base64url')}` }), // a made-up device cookie
      ];
      return shapes[i % 4]!.send('POST', '/api/v1/signing-requests', createBody());
    });
    const answers = await Promise.all(attack);
    // The officer's first signature from that browser (before it held a cookie) was one of the 5.
    expect(tally(answers)).toEqual({ 201: 4, 401: 14, 429: 38 });
    for (const refused of answers.filter((a) => a.status === 429)) expect(refused.json.error.code).toBe('rate_limited');
    expect((await messagesTo(AMINAH.nric)) - before).toBe(4);
    // The attack's requests supersede one another: one of them is alive at a time.
    const live = await server.services.db.get<{ n: number }>("select count(*) as n from signing_requests where caller_key = 'unknown' and status = 'pending'");
    expect(Number(live!.n)).toBe(1);

    // The officer's own browser, its cookie earned by the signature above, signs at once.
    expect((await signFrom(officersBrowser)).status).toBe(200);
    // So does iGFMAS's back end with its client credentials.
    const system = new Caller(http.base, '192.0.2.50', { Authorization: `Bearer ${await systemToken(server)}` });
    const created = await system.send('POST', '/api/v1/signing-requests', createBody());
    expect(created.status).toBe(201);
    const otp = await latestOtp(server, created.json.id);
    expect((await system.send('POST', `/api/v1/signing-requests/${created.json.id}/complete`, { json: { pin: AMINAH.pin, otp } })).status).toBe(200);

    // The known limit: a browser that never succeeded is one of the unknown sources until the hour passes.
    const newBrowser = new Caller(http.base, '198.51.100.99', { Origin: IGFMAS });
    expect((await newBrowser.send('POST', '/api/v1/signing-requests', createBody())).status).toBe(429);
    server.clock.advance(60 * 60 * 1000);
    expect((await newBrowser.send('POST', '/api/v1/signing-requests', createBody())).status).toBe(201);
  });

  it("the extension's worker (no cookies) earns a device token in a header, and with it signs through an attack", async () => {
    const EXTENSION = 'chrome-extension://apgnnmbkeccagmehfmhgimbpilbhclid';
    const withExtension = await startTestServer({ ROAMSIGN_TRUSTED_PROXIES: '127.0.0.1', ROAMSIGN_EXTENSION_ORIGINS: EXTENSION });
    const extHttp = await listen(withExtension);
    try {
      const worker = new Caller(extHttp.base, '198.51.100.20', { Origin: EXTENSION, 'X-RoamSign-Page-Origin': IGFMAS });
      const create = () => worker.send('POST', '/api/v1/signing-requests', createBody(), token ? { 'X-RoamSign-Device': token } : {});
      let token: string | null = null;
      const created = await create();
      expect(created.status).toBe(201);
      const otp = await latestOtp(withExtension, created.json.id);
      const done = await worker.send('POST', `/api/v1/signing-requests/${created.json.id}/complete`, { json: { pin: AMINAH.pin, otp } });
      expect(done.status).toBe(200);
      token = done.headers.get('X-RoamSign-Device');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The token travels in the header only: no cookie for a caller that keeps none.
      expect(worker.cookies.has('rs_device')).toBe(false);

      // An attacker spends the unknown sources' budget for Aminah.
      const attack = await Promise.all(Array.from({ length: 8 }, (_, i) => new Caller(extHttp.base, `203.0.113.${i + 1}`, { Origin: EXTENSION, 'X-RoamSign-Page-Origin': IGFMAS }).send('POST', '/api/v1/signing-requests', createBody())));
      expect(attack.filter((a) => a.status === 429).length).toBeGreaterThan(0);
      // The extension with its token still signs; the same worker without it (or with a made-up one) is held.
      expect((await create()).status).toBe(201);
      expect((await worker.send('POST', '/api/v1/signing-requests', createBody())).status).toBe(429);
      expect((await worker.send('POST', '/api/v1/signing-requests', createBody(), { 'X-RoamSign-Device': crypto.randomBytes(32).toString('base64url') })).status).toBe(429);

      // The widget's frame (RoamSign's own origin) gets the HttpOnly cookie, never the header a script could read.
      const frame = new Caller(extHttp.base, '198.51.100.21', { Origin: PORTAL_ORIGIN, 'X-RoamSign-Page-Origin': IGFMAS, 'X-RoamSign-Device': token! });
      const framed = await frame.send('POST', '/api/v1/signing-requests', createBody());
      expect(framed.status).toBe(201);
      const framedDone = await frame.send('POST', `/api/v1/signing-requests/${framed.json.id}/complete`, { json: { pin: AMINAH.pin, otp: await latestOtp(withExtension, framed.json.id) } });
      expect(framedDone.status).toBe(200);
      expect(framedDone.headers.get('X-RoamSign-Device')).toBeNull();
      expect(frame.cookies.get('rs_device')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await extHttp.close();
      await withExtension.close();
    }
  });

  it('a device token planted in the browser (never issued by RoamSign) is not adopted at the next signature', async () => {
    const planted = crypto.randomBytes(32).toString('base64url');
    const browser = new Caller(http.base, '198.51.100.30', { Origin: IGFMAS });
    browser.cookies.set('rs_device', planted);
    expect((await signFrom(browser)).status).toBe(200);
    // A fresh token replaced it; the planted one is trusted for nobody.
    expect(browser.cookies.get('rs_device')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(browser.cookies.get('rs_device')).not.toBe(planted);
    const trusted = await server.services.db.all<{ device_hash: string }>('select device_hash from trusted_devices');
    expect(trusted.map((t) => t.device_hash)).not.toContain(crypto.createHash('sha256').update(planted).digest('base64url'));
    // The browser's own (issued) token is kept at its next signature.
    const issued = browser.cookies.get('rs_device');
    expect((await signFrom(browser)).status).toBe(200);
    expect(browser.cookies.get('rs_device')).toBe(issued);
  });

  it('the same officer budget covers portal sign-in codes: unknown sources get 5 messages an hour in all', async () => {
    for (let i = 0; i < 3; i++) {
      const forged = new Caller(http.base, `203.0.113.${i + 1}`, { Origin: IGFMAS });
      expect((await forged.send('POST', '/api/v1/signing-requests', createBody())).status).toBe(201);
    }
    const portal = (i: number) => new Caller(http.base, `203.0.114.${i + 1}`, { Origin: PORTAL_ORIGIN }).send('POST', '/portal/sign-in', { form: { nric: AMINAH.nric } });
    expect((await Promise.all([0, 1, 2, 3].map(portal))).map((a) => a.status).sort()).toEqual([200, 200, 429, 429]);
    expect(await messagesTo(AMINAH.nric)).toBe(5);
  });

  it('one source address gets 20 messages an hour, whoever it asks them for', async () => {
    const strict = await startTestServer({ ROAMSIGN_TRUSTED_PROXIES: '127.0.0.1', ROAMSIGN_ADDRESS_SENDS_PER_HOUR: '3' });
    const strictHttp = await listen(strict);
    try {
      const one = new Caller(strictHttp.base, '203.0.113.77', { Origin: IGFMAS });
      const statuses = [];
      for (const nric of [AMINAH.nric, AMINAH.nric, WEIMING.nric, WEIMING.nric]) statuses.push((await one.send('POST', '/api/v1/signing-requests', createBody(nric))).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      // Wei Ming's own budget is not what ran out: another address still reaches him.
      const other = new Caller(strictHttp.base, '203.0.113.78', { Origin: IGFMAS });
      expect((await other.send('POST', '/api/v1/signing-requests', createBody(WEIMING.nric))).status).toBe(201);
    } finally {
      await strictHttp.close();
      await strict.close();
    }
  });

  it('a known caller keeps up to 3 pending requests; a newer one supersedes the oldest, never another caller\'s', async () => {
    const system = new Caller(http.base, '192.0.2.50', { Authorization: `Bearer ${await systemToken(server)}` });
    const forged = new Caller(http.base, '203.0.113.5', { Origin: IGFMAS });
    const theirs = await forged.send('POST', '/api/v1/signing-requests', createBody());
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await system.send('POST', '/api/v1/signing-requests', createBody())).json.id);
    const status = async (id: string) => (await system.send('GET', `/api/v1/signing-requests/${id}`)).json?.status;
    expect(await status(ids[0]!)).toBe('cancelled');
    expect(await Promise.all(ids.slice(1).map(status))).toEqual(['pending', 'pending', 'pending']);
    const first = await system.send('POST', `/api/v1/signing-requests/${ids[0]}/complete`, { json: { pin: AMINAH.pin, otp: await latestOtp(server, ids[0]!) } });
    expect(first.status).toBe(409);
    expect(first.json.error).toMatchObject({ code: 'request_not_pending', details: { status: 'cancelled', reason: 'superseded' } });
    // The system's requests left the forged caller's alone (and the other way round).
    expect((await forged.send('GET', `/api/v1/signing-requests/${theirs.json.id}`)).json.status).toBe('pending');
  });
});
