import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtension } from './extensionBrowser.js';
import { FIREFOX_EXTENSION_ORIGIN, launchFirefoxWithExtension } from './firefoxBrowser.js';
import { legacySystem, ready, type Harness } from './legacy/legacyCases.js';
import { startLegacyServer, type LegacyServer } from './legacy/legacyServer.js';
import { unknownControlIsRefused, webformsSignsEachRow } from './legacy/rowCases.js';
import { startLiveServer, type LiveServer } from './liveServer.js';
import { digestOfShownDocument, postedDocuments, SCREENS } from './pages/legacyScreens.js';

// Issue 8: the extension built for Firefox (MV2, webextension-polyfill) in Debian's firefox-esr,
// configured only by managed storage, signs on a demo screen. Issue 18: the WebForms GridView
// case, with the extension and with the widget.

const AMINAH = { nric: '900101011234', pin: '123456' };
let server: LiveServer;
let legacy: LegacyServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await buildExtension('firefox');
  legacy = await startLegacyServer(() => server.url);
  server = await startLiveServer({ ROAMSIGN_EXTENSION_ORIGINS: FIREFOX_EXTENSION_ORIGIN, ROAMSIGN_ALLOWED_ORIGINS: `${legacy.origin},${legacy.otherOrigin}` });
  // The managed policy's test screens match the legacy host only; the widget's run uses the module host, where the extension stays out.
  browser = await launchFirefoxWithExtension({ serverUrl: server.url, lang: 'ms', systems: [legacySystem(legacy.origin)] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await legacy?.stop();
});

/** The newest OTP sent to the officer after `after` messages (the dialog's frame belongs to the extension, out of the test's reach). */
async function newestOtp(after: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const list = await server.services.outbox.list(AMINAH.nric, 500);
    if (list.length > after && list[0]!.otp) return list[0]!.otp;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no OTP');
}

describe('the extension in Firefox ESR', { timeout: 90_000 }, () => {
  it('signs on the iGFMAS demo screen: the legacy system gets a signature the server verifies', async () => {
    const before = (await postedDocuments(server.url)).length;
    const outboxBefore = (await server.services.outbox.list(AMINAH.nric, 500)).length;
    page = await browser.newPage();
    await page.goto(`${server.pageUrl}${SCREENS.igfmas.path}`);
    const digest = await digestOfShownDocument(page, 'igfmas');
    await ready({ mode: 'extension', browser, server, legacy }, page);
    await page.click('#btnSah');
    const frame = await page.waitForSelector('iframe[src*="/dialog.html?job="]', { visible: true });
    expect(await frame!.evaluate((f) => (f as HTMLIFrameElement).src)).toMatch(/^moz-extension:\/\//);
    const otp = await newestOtp(outboxBefore);
    // The dialog focuses the PIN field and has its request: an officer types PIN, Tab, OTP, Enter.
    const dialog = (await frame!.contentFrame())!;
    await dialog.waitForFunction(() => document.activeElement?.id === 'rs-pin' && /^\d{4}$/.test(document.querySelector('#rs-verification-code')?.textContent ?? ''));
    await page.keyboard.type(AMINAH.pin);
    await page.keyboard.press('Tab');
    await page.keyboard.type(otp);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#mesejBerjaya', { timeout: 20_000 });
    const posted = await postedDocuments(server.url);
    expect(posted.length).toBe(before + 1);
    expect(posted[0]).toMatchObject({ system: 'igfmas', documentNo: SCREENS.igfmas.documentId, action: 'sah' });
    const res = await fetch(`${server.url}/api/v1/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ signature: posted[0]!.fields.roamsign_signature, digest }) });
    expect(((await res.json()) as { valid: boolean }).valid).toBe(true);
  });
});

describe('never the wrong row in Firefox ESR (issue 18)', { timeout: 240_000 }, () => {
  const extension = (): Harness => ({ mode: 'extension', browser, server, legacy });
  const widget = (): Harness => ({ mode: 'widget', browser, server, legacy: { ...legacy, origin: legacy.otherOrigin } });
  it('the extension: a WebForms GridView row signs its own order and posts its __EVENTTARGET', () => webformsSignsEachRow(extension()));
  it('the extension: with a confirm() first, and by keyboard', async () => {
    await webformsSignsEachRow(extension(), { confirm: '1' });
    await webformsSignsEachRow(extension(), {}, true);
  });
  it('the extension: several approve controls and no activation: refused', () => unknownControlIsRefused(extension()));
  it('the widget: a WebForms GridView row signs its own order and posts its __EVENTTARGET', () => webformsSignsEachRow(widget()));
  it('the widget: with a confirm() first', () => webformsSignsEachRow(widget(), { confirm: '1' }));
});
