import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { completeSignature, waitForWidget } from './kit.js';
import { startLiveServer, type LiveServer } from './liveServer.js';

// Issue 9, OWASP device cookie in a real browser: the widget's frame (RoamSign's origin, inside the
// agency's page, a third-party context) keeps the cookie it earned with a signature (SameSite=None,
// Secure, Partitioned), so the officer signs on while unknown sources have spent their budget.

const AMINAH = { nric: '900101011234', pin: '123456' };
const SCREEN = '/demo/igfmas/document/STH-2026-000123?widget=1';
let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  server = await startLiveServer({ ROAMSIGN_UNKNOWN_SENDS_PER_HOUR: '3' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signOnScreen(): Promise<void> {
  const page: Page = await browser.newPage();
  try {
    await page.goto(`${server.pageUrl}${SCREEN}`);
    await waitForWidget(page);
    await page.click('#btnSah');
    await completeSignature(page, { server: server.url, nric: AMINAH.nric, pin: AMINAH.pin });
  } finally {
    await page.close();
  }
}

const callerKeys = async () => (await server.services.db.all<{ k: string }>('select caller_key as "k" from signing_requests order by created_at')).map((r) => r.k);

describe('the device cookie in Chromium', () => {
  it('a browser that signed keeps signing after forged callers spent the unknown budget', async () => {
    await signOnScreen();
    expect(await callerKeys()).toEqual(['unknown']);
    const trusted = await server.services.db.all<{ subject: string }>('select subject from trusted_devices');
    expect(trusted).toEqual([{ subject: `officer:${AMINAH.nric}` }]);

    // Forged callers with the page's own origin spend what unknown sources have left (2 of 3).
    const forged = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${server.url}/api/v1/signing-requests`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: server.pageUrl },
        body: JSON.stringify({ nric: AMINAH.nric, system: 'igfmas', documents: [{ id: `FORGED-${i}`, digest: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' }] }),
      });
      forged.push(res.status);
    }
    expect(forged).toEqual([201, 201, 429, 429]);

    await signOnScreen();
    const keys = await callerKeys();
    expect(keys).toHaveLength(4);
    expect(keys[3]).toMatch(/^device:/);
  });
});
