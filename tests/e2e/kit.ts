/**
 * RoamSign testers' kit: complete a PIN + OTP signature on any screen that carries the widget,
 * from a puppeteer page, with the OTP read from the sandbox outbox (ROAMSIGN_SANDBOX=1).
 *
 *   import { completeSignature } from 'roamsign/tests/e2e/kit';
 *   await page.click('#btnSah');
 *   await completeSignature(page, { server: 'http://localhost:8787', nric: '900101011234', pin: '123456' });
 */
import type { Frame, Page } from 'puppeteer-core';
import { createApiClient } from '../../server/client.js';

/** A page, or the frame of it that holds the approve buttons (SPEKS puts them in an iframe). */
export type Screen = Page | Frame;

export interface CompleteSignatureOptions {
  /** The RoamSign server (its sandbox outbox is read for the OTP). */
  server: string;
  nric: string;
  pin: string;
  /** How long to wait for each step (ms). */
  timeout?: number;
}

/** The dialog's iframe: the widget's (served by RoamSign) or the extension's own page. */
export const DIALOG_FRAME = 'iframe[src*="/widget/frame"], iframe[src*="/dialog.html?job="]';

/** Waits until the widget's loader runs on the screen (a click before that reaches the page untouched). */
export async function waitForWidget(screen: Screen, timeout = 10_000): Promise<void> {
  await screen.waitForFunction(() => 'RoamSign' in window, { timeout });
}

/** The dialog's frame once the dialog is open (visible). */
export async function openDialog(page: Screen, timeout = 20_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await openDialogOnce(page, Math.max(1000, deadline - Date.now()));
    } catch (error) {
      // A dialog frame found just as the page navigated (a postback after the previous row) is
      // detached a moment later: look again for the new page's dialog, within the same deadline.
      if (!/detached/i.test((error as Error).message) || Date.now() > deadline) throw error;
    }
  }
}

async function openDialogOnce(page: Screen, timeout: number): Promise<Frame> {
  const handle = await page.waitForSelector(`${DIALOG_FRAME}`, { visible: true, timeout });
  const frame = await handle!.contentFrame();
  if (!frame) throw new Error('RoamSign dialog frame has no content');
  // The PIN field, or the refusal the dialog shows instead (named in the failure, not a bare timeout).
  await frame.waitForSelector('#rs-pin, #rs-error', { visible: true, timeout }).catch(async (error: Error) => {
    // Say what the officer would have seen, so a failure in CI can be read without a rerun.
    if (frame.detached) throw new Error('the dialog frame was detached (the page navigated)', { cause: error });
    const seen = await frame.evaluate(() => document.body?.innerText.replace(/\s+/g, ' ').slice(0, 400) ?? '(no body)').catch((e: Error) => `(unreadable: ${e.message})`);
    throw new Error(`the dialog showed neither the PIN field nor a refusal within ${timeout} ms (${frame.url()}); it shows: ${seen}`, { cause: error });
  });
  const refusal = await frame.$eval('#rs-error', (el) => el.textContent).catch(() => null);
  if (refusal && !(await frame.$('#rs-pin'))) throw new Error(`the dialog refused: ${refusal}`);
  await frame.waitForSelector('#rs-pin', { visible: true, timeout });
  return frame;
}

/** The dialog's error line once it says something: the form holds that line empty until an error, so its presence proves nothing. */
export async function errorText(frame: Frame, timeout = 15_000): Promise<string> {
  await frame.waitForFunction(() => (document.querySelector('#rs-error')?.textContent ?? '').trim().length > 0, { timeout });
  return frame.$eval('#rs-error', (el) => el.textContent!.trim());
}

/** The verification code once the signing request exists (the dialog shows it). */
export async function verificationCode(frame: Frame, timeout = 10_000): Promise<string> {
  await frame.waitForFunction(() => /^\d{4}$/.test(document.querySelector('#rs-verification-code')?.textContent ?? ''), { timeout });
  return frame.$eval('#rs-verification-code', (el) => el.textContent!.trim());
}

/** The newest OTP in the sandbox outbox whose message carries this verification code. */
export async function readOtp(server: string, nric: string, code: string, timeout = 10_000): Promise<string> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const res = await createApiClient(server).api.v1.dev.outbox.$get({ query: { to: nric } });
    const match = res.status === 200 ? (await res.json()).find((m) => m.otp && m.text.includes(code)) : undefined;
    if (match?.otp) return match.otp;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no OTP for verification code ${code} in the outbox of ${nric}`);
}

/** Waits for the dialog, types PIN and OTP, submits, and waits for "Tandatangan berjaya". */
export async function completeSignature(page: Screen, options: CompleteSignatureOptions): Promise<void> {
  const timeout = options.timeout ?? 25_000;
  const frame = await openDialog(page, timeout);
  const code = await verificationCode(frame, timeout);
  const otp = await readOtp(options.server, options.nric, code, timeout);
  await frame.type('#rs-pin', options.pin);
  await frame.type('#rs-otp', otp);
  await frame.click('#rs-sign');
  await frame.waitForSelector('#rs-success', { timeout });
}
