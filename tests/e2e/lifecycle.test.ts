/**
 * The whole life of an officer (issue 5 "Tests"), all through real pages in Chromium: the national
 * administrator registers her in /portal/admin, she verifies her e-mail from the link that reached a
 * real SMTP server, signs in to /portal and applies with a PIN, the administrator approves, she
 * registers her phone in /mobile, signs on a demo iGFMAS screen with the OTP pushed to that page,
 * then the administrator records her retirement: her next attempt is refused and her certificate
 * is on the CRL. Only the first administrator is created without a page (the CLI's create-admin).
 */
import { x509 } from '../../server/ca/x509Setup.js';
import type { Browser, BrowserContext, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../server/portal/adminPortal.js';
import { mailText, startSmtpCapture, type CapturedMail, type SmtpCapture } from '../helpers/smtpCapture.js';
import { artifactPath, launchChromium } from './browser.js';
import { DIALOG_FRAME, errorText, waitForWidget } from './kit.js';
import { startLiveServer, type LiveServer } from './liveServer.js';
import { digestOfShownDocument, postedDocuments } from './pages/legacyScreens.js';
import { SignDialog } from './pages/signDialog.js';

const ADMIN = { nric: '700101015555', name: 'Pentadbir GPKI Nasional', email: 'gpki.admin@anm.gov.my', password: 'kata laluan yang panjang 2026' };
const NURUL = {
  nric: '910812145678',
  name: 'Nurul Huda binti Kamal',
  email: 'nurul.huda@anm.gov.my',
  agency: '1009',
  accountingOffice: 'JANM Negeri Perlis',
  phone: '012-777 8899',
  officeAddress: 'Aras 3, Wisma Persekutuan, Jalan Bukit Lagi, 01000 Kangar, Perlis',
  /** Passes every PIN rule; eight digits, so no 6-digit code in an e-mail can be mistaken for it. */
  pin: '31864027',
  /** A straight run: refused by the PIN rules. */
  weakPin: '234567',
};
const DOCUMENT = 'STH-2026-000123';
const SCREEN = `/demo/igfmas/document/${DOCUMENT}?widget=1&user=${NURUL.nric}`;

let smtp: SmtpCapture;
let server: LiveServer;
let browser: Browser;
let adminContext: BrowserContext;
let officerContext: BrowserContext;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  // Sandbox stays on (demo screens); e-mail goes to the SMTP capture, which is where this test reads it.
  server = await startLiveServer({ ROAMSIGN_SMTP_URL: smtp.url });
  browser = await launchChromium();
  // Two people, two cookie jars (the portal's session cookie is one per browser).
  adminContext = await browser.createBrowserContext();
  officerContext = await browser.createBrowserContext();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.close();
});

/** The first message from index `since` on, to `to`, whose text matches `pattern`; returns the match. */
async function mailTo(to: string, pattern: RegExp, since: number, timeoutMs = 10_000): Promise<{ mail: CapturedMail; match: RegExpExecArray }> {
  const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= since && m.to.includes(to) && pattern.test(mailText(m)), timeoutMs);
  return { mail, match: pattern.exec(mailText(mail))! };
}

/** Submits the form with this action (its own submit button) and waits for the page that answers. */
async function submit(page: Page, action: string, scope = ''): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(`${scope} form[action="${action}"] button[type="submit"]`.trim())]);
}

async function fill(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(selector, (el) => ((el as HTMLInputElement).value = ''));
  await page.type(selector, value);
}

const text = (page: Page | Frame, selector: string) => page.$eval(selector, (el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
const digits = (s: string) => s.replace(/\D/g, '');
const normaliseSerial = (serial: string) => serial.toLowerCase().replace(/^(00)+/, '');
/** Today in Malaysia (UTC+8), as an <input type="date"> value. */
const todayInMalaysia = () => new Date(Date.now() + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);

/** The dialog's frame once it is shown (whatever it shows). */
async function dialogFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector(DIALOG_FRAME, { visible: true, timeout: 10_000 });
  return (await handle!.contentFrame())!;
}

async function verify(signature: string, digest: string) {
  const res = await fetch(`${server.url}/api/v1/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ signature, digest }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { valid: boolean; signer: { nric: string | null }; certificate: { serial: string; status: string } };
}

describe('the life of an officer, in Chromium', () => {
  it('registered by the administrator -> verifies, applies, approved -> GPKI Mobile -> signs -> retires: refused and on the CRL', { timeout: 120_000 }, async () => {
    const started = Date.now();

    // ---- 1. The first national administrator (the CLI's create-admin in real life). ----
    await createAdmin(server.services, { nric: ADMIN.nric, name: ADMIN.name, email: ADMIN.email, role: 'admin', agencyCode: null, password: ADMIN.password }, 'cli');

    // ---- 2. The administrator signs in (password + e-mailed code) and registers the officer. ----
    const admin = await adminContext.newPage();
    await admin.setViewport({ width: 1280, height: 900 });
    await admin.goto(`${server.url}/portal/admin/sign-in`);
    await admin.type('#f-nric', ADMIN.nric);
    await admin.type('#f-password', ADMIN.password);
    let since = smtp.messages.length;
    await submit(admin, '/portal/admin/sign-in');
    expect(await admin.$('form[action="/portal/admin/sign-in/code"]'), await text(admin, 'main')).not.toBeNull();
    const adminCode = (await mailTo(ADMIN.email, /Kod keselamatan log masuk pentadbir anda: (\d{6})/, since)).match[1]!;
    await admin.type('#f-code', adminCode);
    await submit(admin, '/portal/admin/sign-in/code');
    expect(new URL(admin.url()).pathname).toBe('/portal/admin');
    expect(await text(admin, 'h1')).toContain(`${ADMIN.name} (admin)`);

    await admin.type('#f-nric', NURUL.nric);
    await admin.type('#f-name', NURUL.name);
    await admin.type('#f-email', NURUL.email);
    await admin.select('#f-agency', NURUL.agency);
    await admin.type('#f-accountingOffice', NURUL.accountingOffice);
    await admin.select('#f-system', 'igfmas');
    await admin.type('#f-phone', NURUL.phone);
    since = smtp.messages.length;
    await submit(admin, '/portal/admin/officers');
    expect(admin.url()).toContain('ok=registered');
    const registeredRow = await text(admin, `tr[data-officer="${NURUL.nric}"]`);
    expect(registeredRow).toContain(NURUL.name);
    expect(registeredRow).toContain(`${NURUL.email} (Belum disahkan)`);
    await admin.screenshot({ path: artifactPath('lifecycle-1-admin-registered.png'), fullPage: true });

    // ---- 3. The officer: the verification link from the SMTP capture, sign-in, application. ----
    const verification = await mailTo(NURUL.email, /(https?:\/\/\S+\/portal\/verify\?token=[A-Za-z0-9_-]+)/, since);
    const link = verification.match[1]!;
    expect(link.startsWith(`${server.url}/portal/verify?token=`)).toBe(true);
    const portal = await officerContext.newPage();
    await portal.setViewport({ width: 1100, height: 900 });
    await portal.goto(link);
    expect(await text(portal, '[role="status"]')).toContain('Alamat e-mel anda telah disahkan');
    // Single use: the same link a second time is refused.
    const again = await fetch(link);
    expect(again.status).toBeGreaterThanOrEqual(400);

    await portal.goto(`${server.url}/portal/sign-in`);
    await portal.type('#f-nric', NURUL.nric);
    since = smtp.messages.length;
    await submit(portal, '/portal/sign-in');
    const signInCode = (await mailTo(NURUL.email, /Kod keselamatan log masuk anda: (\d{6})/, since)).match[1]!;
    await portal.type('#f-code', signInCode);
    await submit(portal, '/portal/sign-in/code');
    expect(new URL(portal.url()).pathname).toBe('/portal');
    expect(await text(portal, 'h1')).toBe(NURUL.name);
    expect(await portal.$('#application-status')).toBeNull();

    await Promise.all([portal.waitForNavigation(), portal.click('a[href="/portal/apply"]')]);
    expect(await text(portal, '#pin-rules + ul')).toContain('urutan lurus');
    since = smtp.messages.length;
    // Sending the security code keeps what was typed (issue 13).
    await fill(portal, '#f-officeAddress', NURUL.officeAddress);
    await Promise.all([portal.waitForNavigation(), portal.click('#send-code')]);
    expect(await portal.$eval('#f-officeAddress', (el) => (el as HTMLInputElement).value)).toBe(NURUL.officeAddress);
    const securityCode = (await mailTo(NURUL.email, /keselamatan permohonan sijil anda: (\d{6})/, since)).match[1]!;
    // The registered phone is already on the form.
    expect(digits(await portal.$eval('#f-phone', (el) => (el as HTMLInputElement).value))).toBe(digits(NURUL.phone));
    await portal.select('#f-system', 'igfmas');
    await fill(portal, '#f-officeAddress', NURUL.officeAddress);
    // A PIN that breaks the rules is refused on the page, and the security code is not burnt.
    await portal.type('#f-pin', NURUL.weakPin);
    await portal.type('#f-pinConfirm', NURUL.weakPin);
    await portal.type('#f-code', securityCode);
    await portal.click('#f-declaration');
    await submit(portal, '/portal/apply');
    expect(new URL(portal.url()).pathname).toBe('/portal/apply');
    expect(await text(portal, '.error[role="alert"]')).toContain('PIN tidak boleh urutan lurus');
    // The weak PIN does not clear the security code nor the declaration.
    expect(await portal.$eval('#f-code', (el) => (el as HTMLInputElement).value)).toBe(securityCode);
    expect(await portal.$eval('#f-declaration', (el) => (el as HTMLInputElement).checked)).toBe(true);
    await portal.screenshot({ path: artifactPath('lifecycle-2-weak-pin-refused.png'), fullPage: true });
    await portal.type('#f-pin', NURUL.pin);
    await portal.type('#f-pinConfirm', NURUL.pin);
    await fill(portal, '#f-code', securityCode);
    if (!(await portal.$eval('#f-declaration', (el) => (el as HTMLInputElement).checked))) await portal.click('#f-declaration');
    await submit(portal, '/portal/apply');
    expect(portal.url()).toContain('/portal?ok=applied');
    expect(await portal.$eval('#application-status', (el) => el.getAttribute('data-status'))).toBe('pending');

    // ---- 4. The administrator approves; the approval e-mail arrives; no e-mail carries the PIN. ----
    await admin.goto(`${server.url}/portal/admin`);
    const applicationRow = await admin.waitForSelector(`tr[data-application]`);
    expect(await applicationRow!.evaluate((el) => el.textContent)).toContain(NURUL.nric);
    expect(await admin.content()).not.toContain(NURUL.pin);
    since = smtp.messages.length;
    // The application opens in full (agency, office, phone, e-mail verified, system) before the decision.
    await Promise.all([admin.waitForNavigation(), admin.click('tr[data-application] a.open-application')]);
    expect(digits(await text(admin, '#application'))).toContain(digits(NURUL.phone));
    await admin.screenshot({ path: artifactPath('lifecycle-4-application.png'), fullPage: true });
    await Promise.all([admin.waitForNavigation(), admin.click('#approve')]);
    expect(admin.url()).toContain('ok=approved');
    await mailTo(NURUL.email, /Sijil telah dikeluarkan/, since);
    await portal.goto(`${server.url}/portal`);
    expect(await portal.$eval('#application-status', (el) => el.getAttribute('data-status'))).toBe('approved');
    const certificateLine = await text(portal, '#certificate + p');
    const serial = normaliseSerial(/^([0-9a-fA-F]+):/.exec(certificateLine)?.[1] ?? '');
    expect(serial).toMatch(/^[0-9a-f]{8,}$/);
    for (const mail of smtp.messages) expect(mailText(mail)).not.toContain(NURUL.pin);

    // ---- 5. A second page: GPKI Mobile, registered with MyKad + the profile phone + the e-mailed code. ----
    const phone = await officerContext.newPage();
    await phone.setViewport({ width: 412, height: 860, isMobile: true });
    await phone.goto(`${server.url}/mobile`);
    await phone.waitForSelector('#register-form');
    await phone.type('#nric', NURUL.nric);
    await phone.type('#phone', NURUL.phone);
    since = smtp.messages.length;
    await phone.click('#register-submit');
    await phone.waitForSelector('#code-form');
    const deviceCode = (await mailTo(NURUL.email, /Kod keselamatan: (\d{6})/, since)).match[1]!;
    await phone.type('#code', deviceCode);
    await phone.click('#code-submit');
    await phone.waitForSelector('#connection[data-state="connected"]', { timeout: 10_000 });
    expect(await text(phone, '#device-info')).toContain('GPKI Mobile (');
    await phone.screenshot({ path: artifactPath('lifecycle-3-mobile-registered.png') });

    // ---- 6. She presses Sah on the iGFMAS screen; the OTP arrives on the /mobile page and signs. ----
    const screen = await officerContext.newPage();
    await screen.setViewport({ width: 1100, height: 760 });
    await screen.goto(`${server.pageUrl}${SCREEN}`);
    await waitForWidget(screen);
    expect(digits(await text(screen, '#idPengguna'))).toBe(NURUL.nric);
    expect(await text(screen, '#namaPengguna')).toBe(NURUL.name);
    const digest = await digestOfShownDocument(screen, 'igfmas');
    const postedBefore = (await postedDocuments(server.url)).length;
    since = smtp.messages.length;
    await screen.click('#btnSah');
    const dialog = await SignDialog.open(screen);
    const verificationCode = await dialog.verificationCode();
    expect(await dialog.text('#rs-doc-id')).toBe(DOCUMENT);
    expect(await dialog.text('#rs-sent')).toContain('GPKI Mobile (');
    await phone.bringToFront();
    await phone.waitForFunction(
      (id) => document.querySelector('#documents')?.textContent?.includes(id) && /^\d{6}$/.test(document.querySelector('#otp')?.textContent ?? ''),
      { timeout: 10_000 },
      DOCUMENT,
    );
    expect(await text(phone, '#verification-code')).toBe(verificationCode);
    const otp = await text(phone, '#otp');
    await phone.screenshot({ path: artifactPath('lifecycle-4-mobile-otp.png') });
    await screen.bringToFront();
    await screen.screenshot({ path: artifactPath('lifecycle-5-dialog.png') });
    await dialog.enter(NURUL.pin, otp);
    expect(await dialog.waitForSuccess()).toContain('Tandatangan berjaya');
    await screen.waitForSelector('#mesejBerjaya', { timeout: 15_000 });
    await screen.screenshot({ path: artifactPath('lifecycle-6-posted.png') });

    const posted = await postedDocuments(server.url);
    expect(posted.length).toBe(postedBefore + 1);
    expect(posted[0]).toMatchObject({ system: 'igfmas', documentNo: DOCUMENT, action: 'sah' });
    const signature = posted[0]!.fields.roamsign_signature as string;
    expect(signature).toBeTruthy();
    expect(normaliseSerial(posted[0]!.fields.roamsign_certificate_serial as string)).toBe(serial);
    const report = await verify(signature, digest);
    expect(report).toMatchObject({ valid: true, signer: { nric: NURUL.nric }, certificate: { serial, status: 'good' } });
    // The push was delivered, so the OTP did not also go by e-mail.
    expect(smtp.messages.slice(since).filter((m) => m.to.includes(NURUL.email) && mailText(m).includes(verificationCode))).toEqual([]);
    await portal.goto(`${server.url}/portal/history`);
    expect(await text(portal, 'main')).toContain(DOCUMENT);

    // ---- 7. The administrator records her retirement, effective today. ----
    await admin.goto(`${server.url}/portal/admin/officers?q=${NURUL.nric}`);
    await Promise.all([admin.waitForNavigation(), admin.click(`tr[data-officer="${NURUL.nric}"] a`)]);
    await admin.click('details summary');
    await admin.waitForSelector('#f-kind', { visible: true });
    await admin.select('#f-kind', 'retirement');
    await admin.$eval('#f-effective', (el, date) => ((el as HTMLInputElement).value = date), todayInMalaysia());
    await admin.screenshot({ path: artifactPath('lifecycle-7-movement-form.png'), fullPage: true });
    await submit(admin, `/portal/admin/officers/${NURUL.nric}/movement`);
    // A confirmation names her and what follows; only then is it recorded.
    expect(await text(admin, '#confirm')).toContain(`${NURUL.name} (${NURUL.nric})`);
    await Promise.all([admin.waitForNavigation(), admin.click('#confirm-yes')]);
    expect(admin.url()).toContain('ok=movement');
    expect(await text(admin, '[role="status"]')).toContain('Pergerakan pegawai telah direkodkan');
    expect(await admin.$eval('#officer', (el) => el.getAttribute('data-status'))).toBe('retired');

    // Retirement ends her portal session at once.
    await portal.goto(`${server.url}/portal`);
    expect(portal.url()).toContain('/portal/sign-in?ended=1');

    // Her next attempt to sign on the same screen is refused: no OTP is sent, nothing is posted.
    const postedBeforeRefusal = (await postedDocuments(server.url)).length;
    since = smtp.messages.length;
    await screen.goto(`${server.pageUrl}${SCREEN}`);
    await waitForWidget(screen);
    await screen.evaluate(() => {
      const w = window as unknown as { outcome?: { type: string; code?: string } };
      document.addEventListener('roamsign:error', (e) => (w.outcome = { type: 'error', code: (e as CustomEvent<{ code: string }>).detail.code }));
      document.addEventListener('roamsign:signed', () => (w.outcome = { type: 'signed' }));
    });
    await screen.click('#btnSah');
    const refusal = await dialogFrame(screen);
    const refusalText = await errorText(refusal, 10_000);
    expect(refusalText).toMatch(/tidak dibenarkan|forbidden/i);
    await screen.screenshot({ path: artifactPath('lifecycle-8-refused.png') });
    // The dialog offers only to close; closing hands the page the error code.
    await refusal.click('#rs-error + .actions button');
    await screen.waitForFunction(() => (window as unknown as { outcome?: unknown }).outcome !== undefined, { timeout: 10_000 });
    expect(await screen.evaluate(() => (window as unknown as { outcome: unknown }).outcome)).toEqual({ type: 'error', code: 'forbidden' });
    await screen.waitForSelector(DIALOG_FRAME, { hidden: true });
    expect(new URL(screen.url()).pathname).toBe(`/demo/igfmas/document/${DOCUMENT}`);
    expect(await screen.$('#mesejBerjaya')).toBeNull();
    expect((await postedDocuments(server.url)).length).toBe(postedBeforeRefusal);
    expect(smtp.messages.slice(since).filter((m) => m.to.includes(NURUL.email))).toEqual([]);

    // Her certificate is on the CRL; the earlier signature reports it revoked, and stays valid:
    // it was made before the retirement, as its time-stamp proves (issue 20).
    const crlRes = await fetch(`${server.url}/crl.pem`);
    expect(crlRes.status).toBe(200);
    const crl = new x509.X509Crl(await crlRes.text());
    expect(crl.entries.map((e) => normaliseSerial(e.serialNumber))).toContain(serial);
    const after = await verify(signature, digest);
    expect(after).toMatchObject({ valid: true, indication: 'TOTAL_PASSED', certificate: { serial, status: 'revoked' } });

    for (const mail of smtp.messages) expect(mailText(mail)).not.toContain(NURUL.pin);
    console.log(`officer lifecycle in Chromium: ${Date.now() - started} ms, ${smtp.messages.length} e-mails over SMTP`);
  });
});
