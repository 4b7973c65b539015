import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium } from './browser.js';
import { startLiveServer, type LiveServer } from './liveServer.js';

const require = createRequire(import.meta.url);

let server: LiveServer;
let browser: Browser;
let page: Page;
const elsewhere: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${server.url}/`) && !/^(data|blob):/.test(url)) elsewhere.push(url);
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  // Any script, style, font or connection the page's CSP refuses is recorded.
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => ((window as unknown as { violations: string[] }).violations ??= []).push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${server.url}/docs`, { waitUntil: 'networkidle0', timeout: 60_000 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The first button whose text starts with `text`. */
async function button(text: string): Promise<ElementHandle<HTMLButtonElement>> {
  const handle = await page.waitForFunction(
    (wanted) => [...document.querySelectorAll('button')].find((b) => (b.textContent ?? '').trim().startsWith(wanted)) ?? null,
    { timeout: 20_000 },
    text,
  );
  return handle as ElementHandle<HTMLButtonElement>;
}

describe('/docs in Chromium', () => {
  it('renders the generated reference from our own origin only, with no CSP violation or script error', async () => {
    await page.waitForFunction(() => document.body.innerText.includes('Create a signing request'), { timeout: 20_000 });
    const text = await page.evaluate(() => document.body.innerText);
    for (const words of ['RoamSign API', 'PIN + OTP', 'Verify a detached CMS signature', 'GPKI Mobile']) expect(text).toContain(words);
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
    // The one refusal allowed: zod (inside Scalar) probes `Function('')` to decide whether it may
    // JIT-compile its parsers; the CSP refuses eval, and zod falls back, as intended.
    const violations = await page.evaluate(() => (window as unknown as { violations?: string[] }).violations ?? []);
    expect(violations.filter((v) => v !== 'script-src eval')).toEqual([]);
  });

  it('try-it sends a real request to the server and shows the answer', async () => {
    const test = await button('Test Request(get /api/v1/health)');
    await test.evaluate((b) => b.scrollIntoView());
    await test.click();
    const send = await button('Send');
    await send.click();
    await page.waitForFunction(() => /"status":\s*"ok"/.test(document.body.innerText) && document.body.innerText.includes('200 OK'), { timeout: 20_000 });
    expect(server.logs.some((line) => line.includes('"path":"/api/v1/health"') && line.includes('"status":200'))).toBe(true);
    await page.screenshot({ path: artifactPath('api-docs-try-it.png') });
    expect(elsewhere).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('has no serious or critical accessibility violation (axe-core)', async () => {
    await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run();
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}`);
    });
    expect(violations).toEqual([]);
  });
});
