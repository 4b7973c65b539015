import { gzipSync } from 'node:zlib';
import { launchChromium } from '../tests/e2e/browser.js';
import { startServer } from './serverProcess.js';
import { fmt, heading, line, percentile } from './stats.js';

const CLICKS = 15;

export interface WidgetFigures {
  loaderGzipBytes: number;
  pageGzipBytes: number;
  frameGzipBytes: number;
  clickToPinMsP50: number;
  clickToPinMsP95: number;
}

/**
 * The widget as an officer meets it: the bundles' gzipped sizes, and the time from pressing the
 * approve button to the PIN field having focus in the dialog (the frame is prepared at page load).
 */
export async function measureWidget(): Promise<WidgetFigures> {
  heading('Widget in Chromium (loader + dialog frame, demo iGFMAS screen)');
  const server = await startServer({ env: { ROAMSIGN_LOG_LEVEL: 'silent', ROAMSIGN_OTP_SENDS_PER_HOUR: '1000000' } });
  const browser = await launchChromium();
  try {
    // The server's public URL is localhost; the widget and the demo screen come from it.
    const base = server.baseUrl.replace('127.0.0.1', 'localhost');
    const loader = await (await fetch(`${base}/widget.js`)).text();
    const frame = await (await fetch(`${base}/widget/frame.js`)).text();
    const pageHelpers = await (await fetch(`${base}/widget/page.js`)).text();
    const figures = { loaderGzipBytes: gzipSync(loader).length, pageGzipBytes: gzipSync(pageHelpers).length, frameGzipBytes: gzipSync(frame).length };
    line('widget.js (loader) gzipped', fmt(figures.loaderGzipBytes / 1024, 2), 'KB (budget 3 KB)');
    line('widget/page.js (page helpers, loaded beside the frame) gzipped', fmt(figures.pageGzipBytes / 1024, 2), 'KB (budget 4 KB)');
    line('dialog frame.js (Preact) gzipped', fmt(figures.frameGzipBytes / 1024, 2), 'KB (budget 20 KB)');

    const page = await browser.newPage();
    await page.goto(`${base}/demo/igfmas/document/STH-2026-000123?widget=1`);
    await page.waitForFunction(() => 'RoamSign' in window);
    const dialogFrame = await (await page.waitForSelector('iframe[src*="/widget/frame"]'))!.contentFrame();
    await dialogFrame!.waitForFunction(() => document.readyState === 'complete');
    // Both timestamps are on the browser's clock: timeOrigin + now() in each document.
    await dialogFrame!.evaluate(() => {
      document.addEventListener('focusin', (event) => {
        if ((event.target as Element).id === 'rs-pin') (window as unknown as { pinAt: number }).pinAt = performance.timeOrigin + performance.now();
      });
    });
    const samples: number[] = [];
    for (let i = 0; i < CLICKS; i++) {
      await dialogFrame!.evaluate(() => ((window as unknown as { pinAt: number }).pinAt = 0));
      const clickAt = await page.evaluate(() => {
        const at = performance.timeOrigin + performance.now();
        (document.querySelector('#btnSah') as HTMLElement).click();
        return at;
      });
      await dialogFrame!.waitForFunction(() => (window as unknown as { pinAt: number }).pinAt > 0, { timeout: 10_000 });
      samples.push((await dialogFrame!.evaluate(() => (window as unknown as { pinAt: number }).pinAt)) - clickAt);
      await dialogFrame!.waitForSelector('#rs-cancel:not([disabled])');
      await dialogFrame!.click('#rs-cancel');
      await page.waitForFunction(() => (document.querySelector('iframe[src*="/widget/frame"]') as HTMLElement).style.display === 'none');
    }
    const result = { ...figures, clickToPinMsP50: percentile(samples, 50), clickToPinMsP95: percentile(samples, 95) };
    line(`click -> PIN field focused, p50 / p95 (${CLICKS} clicks)`, `${fmt(result.clickToPinMsP50)} / ${fmt(result.clickToPinMsP95)}`, 'ms (goal < 300 ms)');
    return result;
  } finally {
    await browser.close();
    await server.stop();
  }
}
