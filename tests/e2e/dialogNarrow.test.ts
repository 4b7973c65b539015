import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium } from './browser.js';
import { waitForWidget } from './kit.js';
import { startLiveServer, type LiveServer } from './liveServer.js';
import { SCREENS } from './pages/legacyScreens.js';
import { SignDialog } from './pages/signDialog.js';

// Issue 13: on a 360 px phone-width screen, in Bahasa Malaysia (the longer labels), the dialog's
// buttons keep their labels on one line and the actions stay on one row ("Batal" must not drop
// onto a row of its own).
let server: LiveServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the dialog at 360 px', () => {
  it.each(['ms', 'en'])('%s: every button is one line, and the main actions share one row', async (lang) => {
    page = await browser.newPage();
    await page.setViewport({ width: 360, height: 740 });
    await page.goto(`${server.pageUrl}${SCREENS.igfmas.path}?widget=1${lang === 'en' ? '&lang=en' : ''}`);
    await waitForWidget(page);
    await page.click(SCREENS.igfmas.approve);
    const dialog = await SignDialog.open(page);
    await dialog.verificationCode();
    await page.screenshot({ path: artifactPath(`dialog-360-${lang}.png`) });
    const layout = await dialog.frame.evaluate(() => {
      const buttons = [...document.querySelectorAll<HTMLButtonElement>('.actions button')].filter((b) => b.offsetParent !== null);
      return {
        width: document.documentElement.clientWidth,
        scrollWidth: document.documentElement.scrollWidth,
        buttons: buttons.map((b) => {
          const r = b.getBoundingClientRect();
          const lineHeight = parseFloat(getComputedStyle(b).lineHeight) || parseFloat(getComputedStyle(b).fontSize) * 1.2;
          const padding = parseFloat(getComputedStyle(b).paddingTop) + parseFloat(getComputedStyle(b).paddingBottom) + parseFloat(getComputedStyle(b).borderTopWidth) * 2;
          return { id: b.id, text: b.textContent, top: Math.round(r.top), right: r.right, lines: Math.round((r.height - padding) / lineHeight) };
        }),
      };
    });
    expect(layout.buttons.map((b) => b.id)).toEqual(expect.arrayContaining(['rs-sign', 'rs-cancel']));
    // No horizontal scrolling, no button cut off at the edge.
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
    for (const b of layout.buttons) {
      expect(b.lines, `${b.id} "${b.text}" wraps`).toBe(1);
      expect(b.right, `${b.id} overflows`).toBeLessThanOrEqual(layout.width);
    }
    // The document number and the requesting site read whole, not broken over lines.
    for (const id of ['rs-doc-id', 'rs-site']) {
      const lines = await dialog.frame.$eval(`#${id}`, (el) => Math.round(el.getBoundingClientRect().height / (parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.2)));
      expect(lines, id).toBe(1);
    }
    const sign = layout.buttons.find((b) => b.id === 'rs-sign')!;
    const cancel = layout.buttons.find((b) => b.id === 'rs-cancel')!;
    expect(cancel.top, JSON.stringify(layout.buttons)).toBe(sign.top);
    await page.close();
  });
});
