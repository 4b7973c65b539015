import type { Page } from 'puppeteer-core';
import { launchChromium } from '../tests/e2e/browser.js';
import { openDialog, readOtp, verificationCode } from '../tests/e2e/kit.js';
import { startServer } from './serverProcess.js';
import { fmt, heading, line, percentile } from './stats.js';

const ROUNDS = 10;
const AMINAH = { nric: '900101011234', pin: '123456' };

export interface PasskeyFigures {
  passkeyMsP50: number;
  passkeyMsP95: number;
  otpMsP50: number;
  otpMsP95: number;
}

/** Signs in to the portal with the e-mailed code and registers a passkey on the page's virtual authenticator. */
async function registerPasskey(page: Page, base: string): Promise<void> {
  const code = async () => ((await (await fetch(`${base}/api/v1/dev/outbox?to=${AMINAH.nric}`)).json()) as { otp: string | null }[]).find((m) => m.otp)!.otp!;
  await page.goto(`${base}/portal/sign-in`);
  await page.type('#f-nric', AMINAH.nric);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  await page.type('#f-code', await code());
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  await page.goto(`${base}/portal/passkeys`);
  await page.type('#passkey-pin', AMINAH.pin);
  await Promise.all([page.waitForNavigation(), page.click('#passkey-add')]);
}

/**
 * Issue 11: click -> signed on the demo iGFMAS screen, with PIN + passkey (Chromium's virtual
 * platform authenticator answers at once, so this is RoamSign's share of the time) beside PIN + OTP
 * (the OTP read from the sandbox outbox as soon as it is there: the officer's reading time left out).
 */
export async function measurePasskeys(): Promise<PasskeyFigures> {
  heading('Passkeys in Chromium: click -> signed (demo iGFMAS screen, virtual authenticator)');
  const server = await startServer({ env: { ROAMSIGN_LOG_LEVEL: 'silent', ROAMSIGN_OTP_SENDS_PER_HOUR: '1000000', ROAMSIGN_UNKNOWN_SENDS_PER_HOUR: '1000000' } });
  const browser = await launchChromium();
  try {
    const base = server.baseUrl.replace('127.0.0.1', 'localhost');
    const page = await browser.newPage();
    const cdp = await page.createCDPSession();
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await registerPasskey(page, base);

    const round = async (factor: 'passkey' | 'otp'): Promise<number> => {
      await page.goto(`${base}/demo/igfmas/document/STH-2026-000123?widget=1`);
      await page.waitForFunction(() => 'RoamSign' in window);
      const started = performance.now();
      await page.click('#btnSah');
      const frame = await openDialog(page);
      if (factor === 'passkey') {
        await frame.waitForSelector('#rs-use-otp');
        await frame.type('#rs-pin', AMINAH.pin);
      } else {
        await frame.waitForSelector('#rs-use-otp');
        await frame.click('#rs-use-otp');
        const otp = await readOtp(base, AMINAH.nric, await verificationCode(frame));
        await frame.type('#rs-pin', AMINAH.pin);
        await frame.type('#rs-otp', otp);
      }
      await frame.click('#rs-sign');
      await frame.waitForSelector('#rs-success', { timeout: 15_000 });
      return performance.now() - started;
    };
    const passkey: number[] = [];
    const otp: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      passkey.push(await round('passkey'));
      otp.push(await round('otp'));
    }
    const figures = { passkeyMsP50: percentile(passkey, 50), passkeyMsP95: percentile(passkey, 95), otpMsP50: percentile(otp, 50), otpMsP95: percentile(otp, 95) };
    line(`PIN + passkey: click -> signed, p50 / p95 (${ROUNDS} signatures)`, `${fmt(figures.passkeyMsP50)} / ${fmt(figures.passkeyMsP95)}`, 'ms');
    line(`PIN + OTP: click -> signed, p50 / p95 (${ROUNDS} signatures)`, `${fmt(figures.otpMsP50)} / ${fmt(figures.otpMsP95)}`, 'ms');
    return figures;
  } finally {
    await browser.close();
    await server.stop();
  }
}
