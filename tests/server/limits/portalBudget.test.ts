import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdmin } from '../../../server/portal/adminPortal.js';
import { AMINAH, WEIMING } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { Caller, listen, PORTAL_ORIGIN, tally, type Answer } from './overHttp.js';

// Issue 9: portal sign-in codes and administrator passwords cannot be spent by an attacker either,
// and their answers do not tell whether a MyKad number is registered.

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

const UNREGISTERED = '850505055555';
const ADMIN = { nric: '800101015555', password: 'Betul-Kata-Laluan-2026' };
let nextAddress = 1;
/** A browser no one has seen, at an address of its own. */
const stranger = () => new Caller(http.base, `203.0.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`, { Origin: PORTAL_ORIGIN });

/** The page with its random parts (challenge ids) blanked, to compare two answers. */
const shape = (a: Answer) => `${a.status} ${a.text.replace(/ch_[A-Za-z0-9_-]+/g, 'ch_…')}`;

async function latestCode(to: string): Promise<string> {
  const [message] = await server.services.outbox.list(to, 1);
  const code = /\b(\d{6})\b/.exec(message?.text ?? '')?.[1];
  if (!code) throw new Error(`no code for ${to}`);
  return code;
}

/** A full officer sign-in from `browser`: the code e-mailed, then typed. */
async function officerSignIn(browser: Caller, nric: string) {
  const codePage = await browser.send('POST', '/portal/sign-in', { form: { nric } });
  expect(codePage.status).toBe(200);
  const challengeId = /name="challengeId" value="([^"]+)"/.exec(codePage.text)![1]!;
  return browser.send('POST', '/portal/sign-in/code', { form: { challengeId, code: await latestCode(nric) } });
}

async function adminSignIn(browser: Caller, password: string = ADMIN.password, nric: string = ADMIN.nric) {
  return browser.send('POST', '/portal/admin/sign-in', { form: { nric, password } });
}

describe('portal sign-in codes', () => {
  it('30 requests from 30 addresses: 5 codes an hour; a registered and an unregistered MyKad number get the same answers', async () => {
    const registered = await Promise.all(Array.from({ length: 30 }, () => stranger().send('POST', '/portal/sign-in', { form: { nric: WEIMING.nric } })));
    const unregistered = await Promise.all(Array.from({ length: 30 }, () => stranger().send('POST', '/portal/sign-in', { form: { nric: UNREGISTERED } })));
    expect(tally(registered)).toEqual({ 200: 5, 429: 25 });
    expect(tally(unregistered)).toEqual(tally(registered));
    expect(new Set([...registered, ...unregistered].map(shape)).size).toBe(2);
    for (const refused of registered.filter((a) => a.status === 429)) expect(refused.text).toContain('data-error-code="rate_limited"');
    expect((await server.services.outbox.list(WEIMING.nric, 100)).length).toBe(5);
  });

  it('a browser that signed in before keeps its own codes while unknown sources are refused', async () => {
    const officersBrowser = stranger();
    const signedIn = await officerSignIn(officersBrowser, AMINAH.nric);
    expect(signedIn.status).toBe(303);
    expect(officersBrowser.cookies.get('rs_device')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The attack spends what unknown sources have left this hour (4: the first sign-in was one).
    const attack = await Promise.all(Array.from({ length: 20 }, () => stranger().send('POST', '/portal/sign-in', { form: { nric: AMINAH.nric } })));
    expect(tally(attack)).toEqual({ 200: 4, 429: 16 });
    // Her own browser signs in again, at once.
    officersBrowser.cookies.delete('rs_session');
    const again = await officerSignIn(officersBrowser, AMINAH.nric);
    expect(again.status).toBe(303);
    expect(again.location).toBe('/portal');
  });
});

describe('administrator passwords', () => {
  beforeEach(async () => {
    await createAdmin(server.services, { nric: ADMIN.nric, name: 'Pentadbir', email: 'pentadbir@anm.gov.my', role: 'admin', agencyCode: null, password: ADMIN.password }, 'test');
  });

  const failures = async () => Number((await server.services.db.get<{ n: number }>("select count(*) as n from audit_log where action = 'admin.sign_in_failed'"))!.n);

  it('30 concurrent sign-ins, 29 wrong: at most 5 passwords are ever checked wrong; the right one gets through only before the limit', async () => {
    const attempts = Array.from({ length: 30 }, (_, i) => adminSignIn(stranger(), i === 29 ? ADMIN.password : `salah-${i}`));
    const answers = await Promise.all(attempts);
    const right = answers[29]!;
    const wrong = answers.slice(0, 29);
    const counts = tally(wrong);
    // Each try is counted before its password is checked: the 6th and later are refused unchecked.
    expect(counts[401] ?? 0).toBeLessThanOrEqual(5);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(29);
    expect(await failures()).toBe(counts[401] ?? 0);
    // The right password passed only if it was counted while there was room; otherwise it was refused, unchecked.
    expect([200, 429]).toContain(right.status);
    if (right.status === 429) expect(counts[401]).toBe(5);
  });

  it('when unknown sources have spent the tries, the right password from them is refused, and from a browser that signed in before it works', async () => {
    // The administrator's own browser: a full sign-in (password, then the e-mailed code).
    const adminsBrowser = stranger();
    const codePage = await adminSignIn(adminsBrowser);
    expect(codePage.status).toBe(200);
    const challengeId = /name="challengeId" value="([^"]+)"/.exec(codePage.text)![1]!;
    expect((await adminsBrowser.send('POST', '/portal/admin/sign-in/code', { form: { challengeId, code: await latestCode(ADMIN.nric) } })).status).toBe(303);

    for (let i = 0; i < 5; i++) expect((await adminSignIn(stranger(), 'salah')).status).toBe(401);
    const refused = await adminSignIn(stranger());
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('data-error-code="rate_limited"');
    // Not registered as an administrator: the very same answers.
    const nobody = [];
    for (let i = 0; i < 6; i++) nobody.push(await adminSignIn(stranger(), 'salah', UNREGISTERED));
    expect(nobody.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(shape(nobody[5]!)).toBe(shape(refused));

    adminsBrowser.cookies.delete('rs_admin_session');
    expect((await adminSignIn(adminsBrowser)).status).toBe(200);
    // Unknown sources get their tries back when the 15 minutes have passed.
    server.clock.advance(15 * 60 * 1000);
    expect((await adminSignIn(stranger())).status).toBe(200);
  });
});

describe('anonymous passkey sign-in ceremonies', () => {
  it('one address starts at most 30 in 15 minutes (each stores a challenge); another address is not held', async () => {
    const flood = new Caller(http.base, '203.0.113.200', { Origin: PORTAL_ORIGIN });
    const answers: Answer[] = [];
    for (let i = 0; i < 32; i++) answers.push(await flood.send('POST', '/portal/sign-in/passkey/options', { form: {} }));
    expect(tally(answers)).toEqual({ 200: 30, 429: 2 });
    expect(answers[31]!.json.error.code).toBe('rate_limited');
    const challenges = await server.services.db.get<{ n: number }>("select count(*) as n from passkey_challenges where purpose = 'sign_in'");
    expect(Number(challenges!.n)).toBe(30);
    expect((await stranger().send('POST', '/portal/sign-in/passkey/options', { form: {} })).status).toBe(200);
    server.clock.advance(15 * 60 * 1000 + 1);
    expect((await flood.send('POST', '/portal/sign-in/passkey/options', { form: {} })).status).toBe(200);
  });
});
