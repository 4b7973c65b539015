import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH, WEIMING } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { Browser, hiddenField, latestCode, signInNewAdmin, signInOfficer } from './browser.js';

let server: TestServer;
beforeAll(async () => {
  // Many sign-ins of one officer within the hour: lift the e-mailed-code limit (throttle.test.ts covers it).
  server = await startTestServer({ ROAMSIGN_CODES_PER_HOUR: '100' });
});
afterAll(() => server?.close());

const MINUTE = 60_000;
const sessionRows = async () => (await server.services.db.all('select id_hash as "idHash", ended_at as "endedAt" from sessions')) as { idHash: string; endedAt: number | null }[];
const phoneOf = async (nric: string) => ((await server.services.db.get('select phone from officers where nric = ?', nric)) as { phone: string }).phone;

describe('portal sessions', () => {
  it('cookie: HttpOnly, SameSite=Strict, Path=/, not Secure on http://localhost; only its hash is stored', async () => {
    const browser = new Browser(server);
    const step1 = await browser.post('/portal/sign-in', { nric: AMINAH.nric }, { csrf: null });
    const done = await browser.post('/portal/sign-in/code', { challengeId: hiddenField(step1.text, 'challengeId'), code: await latestCode(server, AMINAH.nric) }, { csrf: null });
    const cookie = browser.lastSetCookies.find((c) => c.startsWith('rs_session='))!;
    expect(done.status).toBe(303);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const id = browser.cookies.get('rs_session')!;
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    const hash = crypto.createHash('sha256').update(id).digest('base64url');
    const rows = await sessionRows();
    expect(rows.some((r) => r.idHash === hash)).toBe(true);
    expect(rows.some((r) => r.idHash === id)).toBe(false);
  });

  it('one browser, two people (issue 23 item 6): an officer signing in in another tab leaves the administrator signed in, and each signs out alone', async () => {
    const { browser } = await signInNewAdmin(server);
    expect(browser.cookies.get('rs_admin_session')).toBeTruthy();
    await signInOfficer(server, AMINAH.nric, browser);
    expect((await browser.get('/portal')).status).toBe(200);
    // The administrator's page (and its form token) is still there.
    expect((await browser.get('/portal/admin')).status).toBe(200);
    const out = await browser.post('/portal/admin/sign-out', {});
    expect(out.status).toBe(303);
    expect((await browser.get('/portal/admin')).status).toBe(303);
    expect((await browser.get('/portal')).status).toBe(200);
  });

  it('cookie is Secure when the public URL is https', async () => {
    const secure = await startTestServer({ ROAMSIGN_PUBLIC_URL: 'https://roamsign.anm.gov.my' });
    try {
      const browser = await signInOfficer(secure, AMINAH.nric, new Browser(secure, 'https://roamsign.anm.gov.my'));
      expect(browser.cookies.get('rs_session')).toBeTruthy();
      const step1 = await browser.post('/portal/sign-in', { nric: AMINAH.nric }, { csrf: null });
      await browser.post('/portal/sign-in/code', { challengeId: hiddenField(step1.text, 'challengeId'), code: await latestCode(secure, AMINAH.nric) }, { csrf: null });
      expect(browser.lastSetCookies.find((c) => c.startsWith('rs_session='))).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  });

  it('idle time-out: alive after 14 minutes idle, ended after 15', async () => {
    const browser = await signInOfficer(server, AMINAH.nric);
    server.clock.advance(14 * MINUTE);
    expect((await browser.get('/portal')).status).toBe(200);
    server.clock.advance(14 * MINUTE);
    expect((await browser.get('/portal')).status).toBe(200);
    server.clock.advance(15 * MINUTE);
    const expired = await browser.get('/portal');
    expect(expired.status).toBe(303);
    expect(expired.location).toBe('/portal/sign-in?ended=1');
    // Ended for good: coming back sooner does not revive it.
    expect((await browser.get('/portal')).status).toBe(303);
  });

  it('absolute time-out: a busy session still ends at 12 hours', async () => {
    const browser = await signInOfficer(server, AMINAH.nric);
    for (let i = 0; i < 12 * 6 - 1; i++) {
      server.clock.advance(10 * MINUTE);
      expect((await browser.get('/portal')).status).toBe(200);
    }
    server.clock.advance(10 * MINUTE);
    expect((await browser.get('/portal')).status).toBe(303);
  });

  it('sign-in rotates the session id; the id from before is worthless', async () => {
    const browser = await signInOfficer(server, AMINAH.nric);
    const before = browser.cookies.get('rs_session')!;
    await signInOfficer(server, AMINAH.nric, browser);
    const after = browser.cookies.get('rs_session')!;
    expect(after).not.toBe(before);
    const stale = new Browser(server);
    stale.cookies.set('rs_session', before);
    expect((await stale.get('/portal')).status).toBe(303);
    expect((await browser.get('/portal')).status).toBe(200);
  });

  it('sign-out ends the session server-side (a kept cookie is refused)', async () => {
    const browser = await signInOfficer(server, AMINAH.nric);
    const id = browser.cookies.get('rs_session')!;
    const out = await browser.post('/portal/sign-out', {});
    expect(out.status).toBe(303);
    const replay = new Browser(server);
    replay.cookies.set('rs_session', id);
    expect((await replay.get('/portal')).status).toBe(303);
    const hash = crypto.createHash('sha256').update(id).digest('base64url');
    expect((await sessionRows()).find((r) => r.idHash === hash)?.endedAt).not.toBeNull();
  });

  it('missing or wrong CSRF token: 403 and nothing changed', async () => {
    const browser = await signInOfficer(server, AMINAH.nric);
    const phone = await phoneOf(AMINAH.nric);
    const missing = await browser.post('/portal/profile', { phone: '+60199999999', email: '', officeAddress: '' }, { csrf: null });
    expect(missing.status).toBe(403);
    const wrong = await browser.post('/portal/profile', { phone: '+60199999999', email: '', officeAddress: '' }, { csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect(wrong.text).toContain('Borang ini tidak sah');
    // Another session's token is wrong too.
    const other = await signInOfficer(server, WEIMING.nric);
    expect((await browser.post('/portal/profile', { phone: '+60199999999', email: '', officeAddress: '' }, { csrf: other.csrf })).status).toBe(403);
    expect(await phoneOf(AMINAH.nric)).toBe(phone);
    const ok = await browser.post('/portal/profile', { phone: '+60199999999', email: '', officeAddress: '' });
    expect(ok.status).toBe(303);
    expect(await phoneOf(AMINAH.nric)).toBe('+60199999999');
  });

  it('a POST from another origin (or with none) is 403, even with the right token', async () => {
    const browser = await signInOfficer(server, AMINAH.nric);
    const phone = await phoneOf(AMINAH.nric);
    expect((await browser.post('/portal/profile', { phone: '+60188888888' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await browser.post('/portal/profile', { phone: '+60188888888' }, { origin: null })).status).toBe(403);
    expect((await browser.post('/portal/sign-in', { nric: AMINAH.nric }, { origin: 'https://evil.example', csrf: null })).status).toBe(403);
    expect(await phoneOf(AMINAH.nric)).toBe(phone);
  });

  it('a suspended officer loses the session at once; a disabled administrator too', async () => {
    const browser = await signInOfficer(server, WEIMING.nric);
    (await server.services.db.run("update officers set status = 'suspended' where nric = ?", WEIMING.nric));
    expect((await browser.get('/portal')).status).toBe(303);
    (await server.services.db.run("update officers set status = 'active' where nric = ?", WEIMING.nric));
    expect((await browser.get('/portal')).status).toBe(303);

    const admin = await signInNewAdmin(server);
    expect((await admin.browser.get('/portal/admin')).status).toBe(200);
    (await server.services.db.run("update admins set status = 'disabled' where id = ?", admin.id));
    expect((await admin.browser.get('/portal/admin')).status).toBe(303);
  });

  it('an officer session does not open the administrator pages', async () => {
    const browser = await signInOfficer(server, AMINAH.nric);
    expect((await browser.get('/portal/admin')).status).toBe(303);
    expect((await browser.post('/portal/admin/officers/900101011234/unlock', {})).status).toBe(401);
  });

  it('pages are in Bahasa Malaysia first, English with ?lang=en', async () => {
    const browser = new Browser(server);
    const ms = await browser.get('/portal/sign-in');
    expect(ms.text).toContain('<html lang="ms">');
    expect(ms.text).toContain('<label for="f-nric">No. MyKad</label>');
    const en = await browser.get('/portal/sign-in?lang=en');
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('MyKad number');
    // Remembered for the next page.
    expect((await browser.get('/portal/sign-in')).text).toContain('<html lang="en">');
  });
});
