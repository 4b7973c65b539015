import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../shared/i18n/index.js';
import { systemToken } from '../helpers/api.js';
import { artifactPath, launchChromium } from './browser.js';
import { startLiveServer, type LiveServer } from './liveServer.js';

// The GPKI Mobile page (Preact, server/mobile/app/): Bahasa Malaysia first, English one switch away,
// by keyboard, axe-core clean in both languages. tests/e2e/mobile.test.ts walks the page in BM.
const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AMINAH = { nric: '900101011234', phone: '012-345 6701' };

let server: LiveServer;
let browser: Browser;
let phone: Page;

beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const text = (selector: string) => phone.$eval(selector, (el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());

/** Serious and critical axe-core findings on the page as it is (a screenshot kept). */
async function axeViolations(name: string): Promise<string[]> {
  await phone.evaluate(AXE);
  await phone.screenshot({ path: artifactPath(`mobile-${name}.png`), fullPage: true });
  return phone.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

async function registrationCode(): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const code = (await server.services.outbox.list(AMINAH.nric)).find((m) => m.subject.includes('pendaftaran peranti'))?.otp;
    if (code) return code;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no registration code in the outbox');
}

describe('GPKI Mobile in English, one switch away', () => {
  it('opens in Bahasa Malaysia; the switch, reached by keyboard, turns the page and the server\'s answers to English', async () => {
    phone = await browser.newPage();
    await phone.setViewport({ width: 412, height: 860, isMobile: true });
    await phone.goto(`${server.url}/mobile`);
    await phone.waitForSelector('#register-form');
    expect(await phone.evaluate(() => document.documentElement.lang)).toBe('ms');
    expect(await text('#register-form h2')).toBe('Daftar peranti');
    expect(await phone.$eval('#lang-switch', (el) => [el.textContent, el.getAttribute('lang')])).toEqual(['English', 'en']);

    // The switch is the first stop of the keyboard, and keeps the focus once pressed.
    await phone.keyboard.press('Tab');
    expect(await phone.evaluate(() => document.activeElement?.id)).toBe('lang-switch');
    await phone.keyboard.press('Enter');
    await phone.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await phone.evaluate(() => document.activeElement?.id)).toBe('lang-switch');
    expect(await phone.$eval('#lang-switch', (el) => [el.textContent, el.getAttribute('lang')])).toEqual(['Bahasa Malaysia', 'ms']);
    expect(await text('#tagline')).toBe('Receive your RoamSign signing OTPs');
    expect(await text('#register-form h2')).toBe('Register this device');
    expect(await text('label[for="nric"]')).toBe('MyKad number');
    expect(await axeViolations('en-register')).toEqual([]);

    // Our own words for a phone that is not the profile's, in English.
    await phone.type('#nric', AMINAH.nric);
    await phone.type('#phone', '019-999 0000');
    await phone.click('#register-submit');
    await phone.waitForFunction(() => (document.querySelector('#notice')?.textContent ?? '').includes('do not match your MyGPKI profile'), { timeout: 10_000 });
    expect(await phone.$eval('#notice', (el) => el.getAttribute('role'))).toBe('alert');
    // What was typed stays.
    expect(await phone.$eval('#nric', (el) => (el as HTMLInputElement).value)).toBe(AMINAH.nric);

    await phone.$eval('#phone', (el) => ((el as HTMLInputElement).value = ''));
    await phone.type('#phone', AMINAH.phone);
    await phone.click('#register-submit');
    await phone.waitForSelector('#code-form');
    expect(await text('#code-form h2')).toBe('Enter the security code');
    // The keyboard goes on in the code field (focused once the form has rendered).
    await phone.waitForFunction(() => document.activeElement?.id === 'code', { timeout: 10_000 });

    // The server's own refusal comes in English too (Accept-Language: en).
    await phone.keyboard.type('000000');
    await phone.keyboard.press('Enter');
    await phone.waitForFunction((expected) => document.querySelector('#notice')?.textContent === expected, { timeout: 10_000 }, t('en', 'error.otp_invalid'));

    await phone.$eval('#code', (el) => ((el as HTMLInputElement).value = ''));
    await phone.type('#code', await registrationCode());
    await phone.click('#code-submit');
    await phone.waitForSelector('#connection[data-state="connected"]', { timeout: 10_000 });
    expect(await text('#connection-text')).toBe('Connected — device active');
    expect(await text('#notice')).toBe('This device is registered. Your signing OTPs will be shown here.');
  }, 60_000);

  it('shows a pushed OTP in English, axe-core clean; the choice stays after a reload and switches back', async () => {
    const created = await fetch(`${server.url}/api/v1/signing-requests`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await systemToken(server, 'igfmas')}` },
      body: JSON.stringify({
        nric: AMINAH.nric,
        system: 'igfmas',
        documents: [{ id: 'STH-2026-007001', digest: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=', summary: { title: 'Baucar Bayaran', amount: '70.00', currency: 'MYR' } }],
      }),
    });
    expect(created.status).toBe(201);
    await phone.waitForFunction(() => /^\d{6}$/.test(document.querySelector('#otp')?.textContent ?? ''), { timeout: 10_000 });
    expect(await text('#push h2')).toBe('Signing request — iGFMAS');
    expect(await text('#countdown')).toMatch(/^Valid for [12]:\d\d$/);
    expect(await text('#push')).toContain('Your OTP');
    // The OTP is what matters now: the "registered" line is gone.
    expect(await phone.$('#notice')).toBeNull();
    expect(await axeViolations('en-otp')).toEqual([]);

    await phone.reload();
    await phone.waitForSelector('#connection[data-state="connected"]', { timeout: 10_000 });
    expect(await phone.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await text('#push h2')).toBe('Waiting for a signing request');

    await phone.click('#lang-switch');
    await phone.waitForFunction(() => document.documentElement.lang === 'ms');
    expect(await text('#connection-text')).toBe('Bersambung — peranti aktif');
    expect(await text('#remove')).toBe('Buang akaun dari peranti ini');
    expect(await axeViolations('ms-active')).toEqual([]);
  }, 60_000);
});
