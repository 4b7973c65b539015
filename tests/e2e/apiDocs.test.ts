import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'puppeteer-core';
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
  await page.setViewport({ width: 1366, height: 768 });
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

/** Sends the try-it form of `METHOD /path` and returns the status line and body it shows. */
async function send(operation: string): Promise<{ status: string; body: string }> {
  const form = await page.waitForSelector(`::-p-xpath(//form[.//button[normalize-space()="Send ${operation}"]])`, { timeout: 10_000 });
  if (!form) throw new Error(`no try-it form for ${operation}`);
  await form.evaluate((f) => {
    f.querySelector('.answer')!.replaceChildren();
    f.scrollIntoView();
  });
  await (await form.$('button'))!.click();
  await form.waitForSelector('.answer strong', { timeout: 20_000 }).catch(() => {
    throw new Error(`try-it of ${operation} showed no answer within 20 s`);
  });
  return form.evaluate((f) => ({ status: f.querySelector('.answer strong')!.textContent ?? '', body: f.querySelector('.answer pre')!.textContent ?? '' }));
}

describe('/docs in Chromium', () => {
  it('renders the generated reference from our own origin only, with no CSP violation or script error', async () => {
    const text = await page.evaluate(() => document.body.innerText);
    for (const words of ['RoamSign API', 'PIN + OTP', 'Create a signing request', 'Verify a detached CMS signature', 'GPKI Mobile', 'docs/api.md', 'docs/design.md']) expect(text).toContain(words);
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
    const violations = await page.evaluate(() => (window as unknown as { violations?: string[] }).violations ?? []);
    expect(violations).toEqual([]);
    // Nothing a reader follows leaves the server (issue 23 item 11: no ../shared).
    const links = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(links.length).toBeGreaterThan(20);
    for (const link of links) expect(link.startsWith(`${server.url}/`), link).toBe(true);
  });

  it('try-it sends a real request to the server and shows the answer', async () => {
    const health = await send('GET /api/v1/health');
    expect(health.status).toBe('200 OK');
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    expect(server.logs.some((line) => line.includes('"path":"/api/v1/health"') && line.includes('"status":200'))).toBe(true);
    expect(elsewhere).toEqual([]);
  });

  it("marks the signing API's authentication required and its examples work as they stand: token, then a signing request (issue 23 item 14)", async () => {
    const create = await page.$eval('#post-api-v1-signing-requests', (h) => h.closest('section')!.innerText);
    expect(create).toMatch(/Authentication:\s*required, one of/);
    expect(create).not.toMatch(/Authentication:\s*optional/i);

    const token = await send('POST /oauth2/token');
    expect(token.status).toBe('200 OK');
    const accessToken = (JSON.parse(token.body) as { access_token: string }).access_token;
    expect(await page.$eval('#access-token', (i) => (i as HTMLInputElement).value)).toBe(accessToken);

    const created = await send('POST /api/v1/signing-requests');
    expect(created.status).toBe('201 Created');
    const { id } = JSON.parse(created.body) as { id: string };
    expect(id).toMatch(/^sr_/);
    const status = await send('GET /api/v1/signing-requests/{id}');
    expect(status.status).toBe('200 OK');
    expect(JSON.parse(status.body)).toMatchObject({ id, status: 'pending' });
    await page.screenshot({ path: artifactPath('api-docs-try-it.png') });
  });

  it('has no accessibility violation of any impact (axe-core)', async () => {
    await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe.run();
      return result.violations.map((v) => `${v.impact} ${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    });
    expect(violations).toEqual([]);
  });
});
