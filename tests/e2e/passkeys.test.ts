import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, CDPSession, HTTPRequest, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { startLiveServer, type LiveServer } from './liveServer.js';
import { approveScreen, digestOfShownDocument, postedDocuments, SCREENS } from './pages/legacyScreens.js';
import { SignDialog } from './pages/signDialog.js';

// Issue 11 in a real browser: Chromium's CDP virtual authenticator (a platform authenticator with
// user verification) registers a passkey in the portal, signs through the widget's RoamSign-origin
// frame with PIN + passkey, and signs in to the portal. RoamSign runs at http://localhost:<port>:
// WebAuthn needs a domain for its RP ID.

const AMINAH = { nric: '900101011234', pin: '123456' };
const require = createRequire(import.meta.url);

let server: LiveServer;
let browser: Browser;
let page: Page;
let cdp: CDPSession;
let authenticatorId: string;
let chromiumCompletion: { url: string; body: string; headers: Record<string, string> } | null = null;

beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchChromium();
  // One page (one target) for the whole story: the virtual authenticator lives with it.
  page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 760 });
  cdp = await page.createCDPSession();
  await cdp.send('WebAuthn.enable');
  ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  }));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function latestCode(to: string, on: LiveServer = server): Promise<string> {
  const res = await fetch(`${on.url}/api/v1/dev/outbox?to=${to}`);
  const messages = (await res.json()) as { otp: string | null }[];
  return messages.find((m) => m.otp)!.otp!;
}

/** Signs Aminah in to the portal with an e-mailed code. */
async function signIn(on: LiveServer): Promise<void> {
  await page.goto(`${on.url}/portal/sign-in`);
  await page.type('#f-nric', AMINAH.nric);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  await page.type('#f-code', await latestCode(AMINAH.nric, on));
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

/** Adds a passkey on the portal's passkeys page (signed in), on the page's virtual authenticator. */
async function addPasskey(on: LiveServer): Promise<void> {
  await page.goto(`${on.url}/portal/passkeys`);
  await page.type('#passkey-pin', AMINAH.pin);
  await page.type('#passkey-name', 'Chromium');
  await Promise.all([page.waitForNavigation(), page.click('#passkey-add')]);
}

async function axeViolations(): Promise<string[]> {
  await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  });
}

describe('passkeys in Chromium (CDP virtual authenticator)', () => {
  it('registers a passkey in the portal after the PIN', async () => {
    await signIn(server);
    expect(new URL(page.url()).pathname).toBe('/portal');

    await addPasskey(server);
    expect(await axeViolations()).toEqual([]);
    expect(page.url()).toContain('ok=passkey_added');
    expect(await page.$$eval('#passkeys tbody tr[data-status="active"]', (rows) => rows.length)).toBe(1);
    const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: { rpId: string; isResidentCredential: boolean }[] };
    expect(credentials).toMatchObject([{ rpId: 'localhost', isResidentCredential: true }]);
  }, 60_000);

  it('signs through the widget with PIN + passkey; the legacy form gets a signature whose report names the passkey', async () => {
    // Keep what the dialog sent (a real Chromium assertion): the next test tries to use it again.
    const capture = (request: HTTPRequest) => {
      if (/\/signing-requests\/[^/]+\/complete-passkey$/.test(request.url()) && request.method() === 'POST') {
        chromiumCompletion = { url: request.url(), body: request.postData() ?? '', headers: request.headers() };
      }
    };
    page.on('request', capture);
    const before = (await postedDocuments(server.url)).length;
    await page.goto(`${server.pageUrl}${SCREENS.igfmas.path}?widget=1`);
    const screen = await approveScreen(page, 'igfmas');
    const digest = await digestOfShownDocument(screen, 'igfmas');
    await screen.click(SCREENS.igfmas.approve);
    const dialog = await SignDialog.open(screen);
    // The officer has a passkey: PIN + passkey is offered, the OTP one click away.
    await dialog.frame.waitForSelector('#rs-use-otp');
    expect(await dialog.frame.$('#rs-otp')).toBeNull();
    expect(await dialog.text('#rs-sign')).toBe('Tandatangan dengan kunci laluan');
    await dialog.frame.type('#rs-pin', AMINAH.pin);
    await dialog.frame.click('#rs-sign');
    expect(await dialog.waitForSuccess()).toContain('Tandatangan berjaya');

    await screen.waitForSelector('#mesejBerjaya', { timeout: 15_000 });
    const posted = await postedDocuments(server.url);
    expect(posted.length).toBe(before + 1);
    const res = await fetch(`${server.url}/api/v1/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ signature: posted[0]!.fields.roamsign_signature, digest }) });
    const report = (await res.json()) as { valid: boolean; passkey?: { credentialId: string } };
    expect(report.valid).toBe(true);
    expect(report.passkey?.credentialId).toMatch(/^[A-Za-z0-9_-]+$/);
    page.off('request', capture);
  }, 60_000);

  it("Chromium's assertion cannot be replayed, nor moved to another request's challenge: 4xx, nothing signed", async () => {
    expect(chromiumCompletion, 'the dialog posted its assertion').not.toBeNull();
    const { url, body, headers } = chromiumCompletion!;
    const send = (to: string) =>
      fetch(to, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: headers.origin ?? server.url, 'X-RoamSign-Page-Origin': headers['x-roamsign-page-origin'] ?? server.pageUrl }, body });
    const signatures = async () => Number((await server.services.db.get<{ n: number }>('select count(*) as n from signatures'))!.n);
    const before = await signatures();

    // The same completion again: the request is signed and its challenge used.
    const replayed = await send(url);
    expect(replayed.status).toBeGreaterThanOrEqual(400);
    expect(replayed.status).toBeLessThan(500);
    expect(['request_not_pending', 'passkey_challenge_replayed']).toContain(((await replayed.json()) as { error: { code: string } }).error.code);

    // A new request for the same officer, with its own live challenge: the old assertion answers another challenge.
    const pageHeaders = { 'Content-Type': 'application/json', Origin: server.pageUrl };
    const created = await fetch(`${server.url}/api/v1/signing-requests`, {
      method: 'POST',
      headers: pageHeaders,
      body: JSON.stringify({ nric: AMINAH.nric, system: 'igfmas', documents: [{ id: 'STH-2026-REPLAY', digest: Buffer.alloc(32, 9).toString('base64') }] }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const offered = await fetch(`${server.url}/api/v1/signing-requests/${id}/passkey`, { method: 'POST', headers: pageHeaders, body: '{}' });
    expect(offered.status).toBe(200);
    const moved = await send(url.replace(/signing-requests\/[^/]+\//, `signing-requests/${id}/`));
    expect(moved.status).toBe(409);
    expect(((await moved.json()) as { error: { code: string } }).error.code).toBe('passkey_challenge_mismatch');
    expect(await signatures()).toBe(before);
    const state = await fetch(`${server.url}/api/v1/signing-requests/${id}`, { headers: { Origin: server.pageUrl } });
    expect(((await state.json()) as { status: string }).status).toBe('pending');
  }, 60_000);

  it('signs in to the portal with the passkey instead of an e-mailed code', async () => {
    const client = await page.createCDPSession();
    await client.send('Network.clearBrowserCookies');
    await page.goto(`${server.url}/portal/sign-in`);
    expect(await axeViolations()).toEqual([]);
    await Promise.all([page.waitForNavigation(), page.click('button[data-passkey="sign-in"]')]);
    expect(new URL(page.url()).pathname).toBe('/portal');
    expect(await page.content()).toContain(AMINAH.nric);
  }, 60_000);

  it("registers the phone's platform passkey on the GPKI Mobile page (PIN first)", async () => {
    const post = async (path: string, body: unknown) => (await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, string>>;
    const started = await post('/api/v1/mobile/registrations', { nric: AMINAH.nric, phone: '012-345 6701', platform: 'android', label: 'Telefon ujian' });
    let code = '';
    for (let i = 0; i < 50 && !code; i++) {
      const messages = (await (await fetch(`${server.url}/api/v1/dev/outbox?to=${AMINAH.nric}`)).json()) as { subject: string; otp: string }[];
      code = messages.find((m) => m.subject.includes('pendaftaran peranti'))?.otp ?? '';
      if (!code) await new Promise((r) => setTimeout(r, 100));
    }
    const { secret } = await post(`/api/v1/mobile/registrations/${started.challengeId}/confirm`, { code });
    // The phone is another authenticator than the computer's: the computer's credential is not on it.
    await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    await page.goto(`${server.url}/mobile`);
    await page.evaluate((s) => localStorage.setItem('roamsign.mobile.secret', s), secret!);
    await page.reload();
    await page.waitForSelector('#passkey-add');
    const before = (await server.services.db.all('select credential_id from passkeys')).length;
    await page.type('#passkey-pin', AMINAH.pin);
    await page.click('#passkey-add');
    await page.waitForFunction(() => document.querySelector('#notice')?.textContent?.includes('telah didaftarkan'), { timeout: 10_000 });
    const rows = await server.services.db.all<{ name: string; status: string }>('select name, status from passkeys order by created_at');
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toEqual({ name: 'GPKI Mobile (Telefon ujian)', status: 'active' });
  }, 60_000);
});

describe('a passkey signing that outlives its request', () => {
  let short: LiveServer;
  beforeAll(async () => {
    short = await startLiveServer({ ROAMSIGN_OTP_TTL_SECONDS: '6', ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS: '0' });
  }, 60_000);
  afterAll(async () => short?.stop());

  it('is not stuck in passkey mode: "Hantar semula kod" gives the request new time and a new challenge, and the passkey signs', async () => {
    await signIn(short);
    await addPasskey(short);
    expect(page.url()).toContain('ok=passkey_added');

    const before = (await postedDocuments(short.url)).length;
    await page.goto(`${short.pageUrl}${SCREENS.igfmas.path}?widget=1`);
    const screen = await approveScreen(page, 'igfmas');
    await screen.click(SCREENS.igfmas.approve);
    const dialog = await SignDialog.open(screen);
    await dialog.frame.waitForSelector('#rs-use-otp');
    await dialog.frame.type('#rs-pin', AMINAH.pin);
    await dialog.frame.waitForFunction(() => document.querySelector('#rs-countdown')?.textContent?.includes('tamat tempoh'), { timeout: 15_000 });
    expect(await dialog.frame.$eval('#rs-sign', (el) => (el as HTMLButtonElement).disabled)).toBe(true);
    await dialog.frame.click('#rs-resend');
    await dialog.frame.waitForFunction(() => !(document.querySelector('#rs-sign') as HTMLButtonElement).disabled);
    // Still PIN + passkey: the officer never had to switch to the OTP to go on.
    expect(await dialog.frame.$('#rs-otp')).toBeNull();
    await dialog.frame.click('#rs-sign');
    expect(await dialog.waitForSuccess()).toContain('Tandatangan berjaya');
    await screen.waitForSelector('#mesejBerjaya', { timeout: 15_000 });
    expect((await postedDocuments(short.url)).length).toBe(before + 1);
  }, 60_000);
});
