import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtension } from './extensionBrowser.js';
import { FIREFOX_EXTENSION_ORIGIN, launchFirefoxWithExtension } from './firefoxBrowser.js';
import { startLiveServer, type LiveServer } from './liveServer.js';
import { digestOfShownDocument, postedDocuments, SCREENS } from './pages/legacyScreens.js';

// Issue 8: the extension built for Firefox (MV2, webextension-polyfill) in Debian's firefox-esr,
// configured only by managed storage, signs on a demo screen.

const AMINAH = { nric: '900101011234', pin: '123456' };
let server: LiveServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await buildExtension('firefox');
  server = await startLiveServer({ ROAMSIGN_EXTENSION_ORIGINS: FIREFOX_EXTENSION_ORIGIN });
  browser = await launchFirefoxWithExtension({ serverUrl: server.url, lang: 'ms' });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
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
    await new Promise((r) => setTimeout(r, 500));
    await page.click('#btnSah');
    const frame = await page.waitForSelector('iframe[src*="/dialog.html?job="]', { visible: true });
    expect(await frame!.evaluate((f) => (f as HTMLIFrameElement).src)).toMatch(/^moz-extension:\/\//);
    const otp = await newestOtp(outboxBefore);
    // The dialog focuses the PIN field: an officer types PIN, Tab, OTP, Enter.
    await new Promise((r) => setTimeout(r, 300));
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
