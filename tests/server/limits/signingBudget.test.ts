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
