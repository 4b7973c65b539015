import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium } from './browser.js';
import { startLiveServer, type LiveServer } from './liveServer.js';
import { approveScreen, SCREENS } from './pages/legacyScreens.js';
import { SignDialog } from './pages/signDialog.js';
import { systemToken } from '../helpers/api.js';

const AMINAH = { nric: '900101011234', pin: '123456', phone: '012-345 6701' };

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

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  // The signing API answers a server (no Origin) only with a registered system's Bearer token.
  const headers: Record<string, string> = body !== undefined ? { 'Content-Type': 'application/json' } : {};
  if (path.startsWith('/api/v1/signing-requests')) headers.Authorization = `Bearer ${await systemToken(server, 'igfmas')}`;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

/** The registration code e-mailed to the officer, from the sandbox outbox. */
async function registrationCode(nric: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const messages = (await api('GET', `/api/v1/dev/outbox?to=${nric}`)).body as { subject: string; otp: string }[];
    const message = messages.find((m) => m.subject.includes('pendaftaran peranti'));
    if (message) return message.otp;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no registration code in the outbox');
}

/** The OTP shown on the /mobile page once a push for `documentId` arrives. */
async function otpOnPhone(documentId: string): Promise<string> {
  await phone.waitForFunction((id) => document.querySelector('#documents')?.textContent?.includes(id) && /^\d{6}$/.test(document.querySelector('#otp')?.textContent ?? ''), { timeout: 10_000 }, documentId);
  return phone.$eval('#otp', (el) => el.textContent!.trim());
}

describe('GPKI Mobile web app (/mobile) in Chromium', () => {
  it('registers the device with MyKad + profile phone + the e-mailed code', async () => {
    phone = await browser.newPage();
    await phone.setViewport({ width: 412, height: 860, isMobile: true });
    await phone.goto(`${server.url}/mobile`);
    await phone.waitForSelector('#register-form');
    await phone.type('#nric', AMINAH.nric);
    await phone.type('#phone', AMINAH.phone);
    await phone.click('#register-submit');

    await phone.waitForSelector('#code-form');
    expect(await phone.$eval('#code-form', (el) => el.textContent)).toContain('a***@anm.gov.my');
    await phone.type('#code', await registrationCode(AMINAH.nric));
    await phone.click('#code-submit');

    await phone.waitForSelector('#connection[data-state="connected"]', { timeout: 10_000 });
    expect(await phone.$eval('#device-info', (el) => el.textContent)).toContain('GPKI Mobile (');
    expect(await phone.evaluate(() => localStorage.getItem('roamsign.mobile.secret'))).toMatch(/^rsd_/);
    expect(await phone.$eval('#remove', (el) => el.textContent)).toBe('Buang akaun dari peranti ini');
    // Installable: the manifest is linked and the service worker took /mobile.
    await phone.waitForFunction(async () => !!(await navigator.serviceWorker.getRegistration('/mobile'))?.active, { timeout: 10_000 });
    await phone.screenshot({ path: artifactPath('mobile-registered.png') });
  });

  it('a signing request shows its OTP live on the phone, and that OTP signs', async () => {
    const created = await api('POST', '/api/v1/signing-requests', {
      nric: AMINAH.nric,
      system: 'igfmas',
      documents: [{ id: 'STH-2026-004242', digest: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=', summary: { title: 'Baucar Bayaran', amount: '4,242.00', currency: 'MYR' } }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ channel: 'push', destination: expect.stringContaining('GPKI Mobile (') });

    const otp = await otpOnPhone('STH-2026-004242');
    const card = await phone.$eval('#push', (el) => el.textContent!);
    expect(card).toContain('RM 4,242.00');
    expect(card).toContain('iGFMAS');
    expect(await phone.$eval('#verification-code', (el) => el.textContent)).toBe(created.body.verificationCode);
    expect(await phone.$eval('#countdown', (el) => el.textContent)).toMatch(/^Sah selama [12]:\d\d$/);
    await phone.screenshot({ path: artifactPath('mobile-otp.png') });

    // The ack reached the server: no e-mail fallback for this request.
    const mails = (await api('GET', '/api/v1/dev/outbox?to=aminah@anm.gov.my')).body as { requestId: string | null }[];
    expect(mails.some((m) => m.requestId === created.body.id)).toBe(false);

    const done = await api('POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'signed', verification: { valid: true } });
  });

  it('the widget on a demo screen says the OTP went to the phone and signs with the OTP shown there', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 760 });
    await page.goto(`${server.pageUrl}${SCREENS.igfmas.path}?widget=1`);
    const screen = await approveScreen(page, 'igfmas');
    await screen.click(SCREENS.igfmas.approve);
    const dialog = await SignDialog.open(screen);
    const code = await dialog.verificationCode();
    expect(await dialog.text('#rs-sent')).toContain('GPKI Mobile (');

    const otp = await otpOnPhone(SCREENS.igfmas.documentId);
    expect(await phone.$eval('#verification-code', (el) => el.textContent)).toBe(code);
    await dialog.enter(AMINAH.pin, otp);
    expect(await dialog.waitForSuccess()).toContain('Tandatangan berjaya');
    // The used OTP does not stay on the phone: it is blanked and said to be used.
    await phone.waitForFunction(() => !/\d{6}/.test(document.querySelector('#otp')?.textContent ?? ''), { timeout: 10_000 });
    expect(await phone.$eval('#countdown', (el) => el.textContent)).toContain('Telah digunakan');
    expect(await phone.$eval('#otp', (el) => el.getAttribute('aria-label'))).not.toContain(otp);
    await page.close();
  });

  it('a registration elsewhere deactivates this page, which says so and forgets the device', async () => {
    const started = await api('POST', '/api/v1/mobile/registrations', { nric: AMINAH.nric, phone: '+60123456701', platform: 'ios', label: 'iPhone baharu' });
    expect(started.status).toBe(201);
    const confirmed = await api('POST', `/api/v1/mobile/registrations/${started.body.challengeId}/confirm`, { code: await registrationCode(AMINAH.nric) });
    expect(confirmed.status).toBe(201);

    await phone.waitForSelector('#register-form', { timeout: 10_000 });
    expect(await phone.$eval('#notice', (el) => el.textContent)).toContain('dinyahaktifkan');
    expect(await phone.evaluate(() => localStorage.getItem('roamsign.mobile.secret'))).toBeNull();
  });
});
