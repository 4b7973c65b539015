import type { Browser, Frame, Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { canonicalDocumentBytes } from '../../../shared/document.js';
import { completeSignature, DIALOG_FRAME, errorText, openDialog, type Screen } from '../kit.js';
import type { LiveServer } from '../liveServer.js';
import type { LegacyPost, LegacyServer } from './legacyServer.js';
import type { SystemDefinition } from '../../../shared/siteRules.js';
import { LEGACY_HOST, MODULE_HOST, ONE, ROW_SCREEN_RULES, ROWS, SCREEN_RULES } from './screens.js';

// Every issue-8 case, written once and run with the widget and with the extension. Each asserts
// what the legacy system received: exactly the clicked document, with a roamsign_signature that
// POST /api/v1/verify accepts over the posted fields, and nothing at all when signing did not end.

export const AMINAH = { nric: '900101011234', pin: '123456' };
const SIGNED_FIELDS = ['noBaucer', 'penerima', 'amaun'] as const;

/** Chromium resolves the legacy (and any RoamSign) test host to 127.0.0.1: plain http, not localhost. */
export const HOST_RULES = `--host-resolver-rules=MAP ${LEGACY_HOST} 127.0.0.1, MAP ${MODULE_HOST} 127.0.0.1, MAP roamsign.intranet.test 127.0.0.1`;

export interface Harness {
  mode: 'widget' | 'extension';
  browser: Browser;
  server: LiveServer;
  legacy: LegacyServer;
}

export function legacyUrl(h: Harness, path: string, query: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...(h.mode === 'widget' ? { widget: '1' } : {}), ...query });
  return `${h.legacy.origin}${path}${params.size ? `?${params}` : ''}`;
}

export async function openPage(h: Harness, path: string, query: Record<string, string> = {}): Promise<Page> {
  const page = await h.browser.newPage();
  await page.setViewport({ width: 1000, height: 760 });
  await page.goto(legacyUrl(h, path, query));
  return page;
}

/**
 * Waits until RoamSign is ready on the screen: the widget's helpers have styled its dialog frame, or
 * the extension's content script answers the main-world guard's hello with the screen's
 * approve controls (it does once its settings matched this page). Conditions, never time.
 */
export async function ready(h: Harness, screen: Screen): Promise<void> {
  if (h.mode === 'widget') {
    await screen.waitForFunction(() => 'RoamSign' in window);
    await screen.waitForFunction(() => (document.querySelector('iframe[src*="/widget/frame"]') as HTMLElement | null)?.style.position === 'fixed');
    return;
  }
  await guardReady(screen);
}

/** The extension's content script has answered the main-world guard's hello on this screen: its rule matched and the guard knows the approve controls. */
export async function guardReady(screen: Screen): Promise<void> {
  await screen.waitForFunction(
    () =>
      new Promise<boolean>((resolve) => {
        const done = () => resolve(true);
        document.addEventListener('roamsign:guard-config', done, { once: true });
        document.dispatchEvent(new CustomEvent('roamsign:guard-hello'));
        setTimeout(() => {
          document.removeEventListener('roamsign:guard-config', done);
          resolve(false);
        }, 250);
      }),
    { polling: 300, timeout: 15_000 },
  );
}

/** POST /api/v1/verify over the canonical bytes recomputed from what the legacy system received. */
export async function verifyPosted(h: Harness, post: LegacyPost): Promise<{ valid: boolean; signer?: { nric: string } }> {
  const fields = Object.fromEntries(SIGNED_FIELDS.map((n) => [n, post.fields[n] ?? '']));
  const content = Buffer.from(canonicalDocumentBytes(fields)).toString('base64');
  const res = await fetch(`${h.server.pageUrl}/api/v1/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ signature: post.fields.roamsign_signature, content }) });
  return (await res.json()) as { valid: boolean; signer?: { nric: string } };
}

/** The newest post is exactly `doc`, signed, and the signature verifies over its posted fields. */
export async function expectSignedPost(h: Harness, screen: string, doc: { noBaucer: string; penerima: string; amaun: string }, before: number): Promise<LegacyPost> {
  expect(h.legacy.posted.length).toBe(before + 1);
  const post = h.legacy.posted[0]!;
  expect(post.screen).toBe(screen);
  expect(post.fields).toMatchObject(doc);
  expect(post.fields.roamsign_document_id).toBe(doc.noBaucer);
  expect(post.fields.roamsign_request_id).toMatch(/^sr_/);
  const report = await verifyPosted(h, post);
  expect(report.valid).toBe(true);
  expect(report.signer?.nric).toBe(AMINAH.nric);
  return post;
}

/** PIN + OTP in the dialog (the OTP read from the sandbox outbox, from Node at 127.0.0.1). */
export async function sign(h: Harness, screen: Screen) {
  await completeSignature(screen, { server: h.server.pageUrl, nric: AMINAH.nric, pin: AMINAH.pin });
}

/** Until the legacy system has received `count` posts in all (or 15 s have passed: the caller's expectation then fails). */
export async function waitForPosts(h: Harness, count: number): Promise<void> {
  for (let i = 0; i < 150 && h.legacy.posted.length < count; i++) await new Promise((r) => setTimeout(r, 100));
}

/** The text of the dialog's field row. */
async function shownField(dialog: Frame, name: string): Promise<string> {
  return dialog.$eval(`#rs-fields dd[data-field="${name}"]`, (el) => el.textContent ?? '');
}

/** Whether RoamSign's notice (a failure said in the page) is shown, and its text. */
async function notice(screen: Screen): Promise<string> {
  const el = await screen.waitForSelector('[data-roamsign-notice]', { timeout: 15_000 });
  return el!.evaluate((n) => n.textContent ?? '');
}

// ---- the cases ----

/** One form per row: each row's control (button, image button, link) signs and posts that row's document. */
export async function rowsSignTheClickedRow(h: Harness, query: Record<string, string> = {}): Promise<void> {
  const page = await openPage(h, '/rows', query);
  await ready(h, page);
  for (const row of [2, 1, 3]) {
    const before = h.legacy.posted.length;
    const doc = ROWS[row - 1]!;
    await page.click(`#baris${row} .lulus`);
    const dialog = await openDialog(page);
    expect(await dialog.$eval('#rs-doc-id', (el) => el.textContent)).toBe(doc.noBaucer);
    expect(await shownField(dialog, 'amaun')).toBe(doc.amaun);
    expect(await shownField(dialog, 'penerima')).toBe(doc.penerima);
    await sign(h, page);
    await waitForPosts(h, before + 1);
    const post = await expectSignedPost(h, 'rows', doc, before);
    if (row === 1) expect(post.fields.tindakan).toBe('lulus');
    if (row === 2) expect(post.fields['lulusImej.x']).toBeDefined();
    await page.goto(legacyUrl(h, '/rows', query));
    await ready(h, page);
  }
  await page.close();
}

/** A frameset with the form in an iframe of one frame: the officer is read from the top frame, and every other frame is dimmed. */
export async function framesetSignsAndDimsTheTab(h: Harness): Promise<void> {
  const page = await openPage(h, '/frames');
  const holder = await (await page.waitForFrame((f) => f.url().includes('/frames/main'))).waitForSelector('#kandungan');
  const formFrame = (await holder!.contentFrame())!;
  await formFrame.waitForSelector('#btnLulus');
  await ready(h, formFrame);
  const before = h.legacy.posted.length;
  await formFrame.click('#btnLulus');
  await openDialog(formFrame);
  const header = page.frames().find((f) => f.url().includes('/frames/header'))!;
  const main = page.frames().find((f) => f.url().includes('/frames/main'))!;
  // One layer over the whole tab: the menu in the other frame cannot be clicked while the dialog is open.
  expect(await header.$eval('#menu', (a) => {
    const r = a.getBoundingClientRect();
    return (document.elementFromPoint(r.x + 2, r.y + 2) as HTMLElement | null)?.hasAttribute('data-roamsign-dim');
  })).toBe(true);
  expect(await main.$('[data-roamsign-dim]')).not.toBeNull();
  await sign(h, formFrame);
  await waitForPosts(h, before + 1);
  await expectSignedPost(h, 'frames', ONE, before);
  expect(await header.$('[data-roamsign-dim]')).toBeNull();
  await page.close();
}

/** A form and a button built by script after load. */
export async function lateFormSigns(h: Harness): Promise<void> {
  const page = await openPage(h, '/late');
  await ready(h, page);
  await page.waitForSelector('#btnSahLewat');
  const before = h.legacy.posted.length;
  await page.click('#btnSahLewat');
  await sign(h, page);
  await waitForPosts(h, before + 1);
  const post = await expectSignedPost(h, 'late', ONE, before);
  expect(post.fields.tindakan).toBe('sah');
  await page.close();
}

/** The Enter key in a field of the form submits it: held and signed like a click. */
export async function enterKeySigns(h: Harness, query: Record<string, string> = {}): Promise<void> {
  const page = await openPage(h, '/enter', query);
  await ready(h, page);
  const before = h.legacy.posted.length;
  await page.type('#catatan', 'Disemak');
  await page.keyboard.press('Enter');
  await sign(h, page);
  await waitForPosts(h, before + 1);
  const post = await expectSignedPost(h, 'enter', ONE, before);
  expect(post.fields.catatan).toBe('Disemak');
  await page.close();
}

/** Approvals sent by fetch (JSON) and by XMLHttpRequest (URL-encoded) carry the signature in their bodies. */
export async function fetchAndXhrSign(h: Harness): Promise<void> {
  const page = await openPage(h, '/xhr');
  await ready(h, page);
  for (const button of ['#lulusFetch', '#lulusXhr']) {
    const before = h.legacy.posted.length;
    await page.click(button);
    await sign(h, page);
    await waitForPosts(h, before + 1);
    const post = await expectSignedPost(h, 'xhr', ONE, before);
    expect(post.fields.via).toBe(button === '#lulusFetch' ? 'fetch' : 'xhr');
    await page.waitForFunction(() => document.querySelector('#hasil')?.textContent?.includes('Diterima'));
    await page.evaluate(() => (document.querySelector('#hasil')!.textContent = ''));
  }
  await page.close();
}

/** The page's own confirm() comes first: cancelled, nothing is signed and nothing posted; accepted, it signs. */
export async function pageConfirmComesFirst(h: Harness): Promise<void> {
  const page = await openPage(h, '/confirm');
  await ready(h, page);
  const before = h.legacy.posted.length;
  const outboxBefore = (await h.server.services.outbox.list(AMINAH.nric, 500)).length;
  let answer = false;
  const asked: string[] = [];
  page.on('dialog', (d) => {
    asked.push(d.message());
    void (answer ? d.accept() : d.dismiss());
  });
  await page.click('#btnLulus');
  expect(asked).toEqual(['Luluskan baucer ini?']);
  // The confirm() was answered synchronously inside the click: had anything been held, the dialog frame would be showing.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await page.$(`${DIALOG_FRAME}`).then((f) => f?.isVisible() ?? false)).toBe(false);
  expect((await h.server.services.outbox.list(AMINAH.nric, 500)).length).toBe(outboxBefore);
  expect(h.legacy.posted.length).toBe(before);
  answer = true;
  await page.click('#btnLulus');
  await sign(h, page);
  await waitForPosts(h, before + 1);
  await expectSignedPost(h, 'confirm', ONE, before);
  expect(asked.length).toBe(2);
  // Exactly one OTP was sent: for the confirmed approval only.
  expect((await h.server.services.outbox.list(AMINAH.nric, 500)).length).toBe(outboxBefore + 1);
  await page.close();
}

/** No officer on the screen: the dialog refuses and says why; closing it leaves nothing posted. */
export async function noOfficerIsRefused(h: Harness): Promise<void> {
  const page = await openPage(h, '/rows', { anon: '1' });
  await ready(h, page);
  const before = h.legacy.posted.length;
  await page.click('#baris1 .lulus');
  const handle = await page.waitForSelector(DIALOG_FRAME, { visible: true, timeout: 15_000 });
  const dialog = (await handle!.contentFrame())!;
  expect(await errorText(dialog)).toContain('ID pengguna (No. MyKad) tidak dijumpai');
  expect(await dialog.$('#rs-pin')).toBeNull();
  await dialog.click('.actions button');
  await page.waitForFunction((sel) => !document.querySelector(sel) || getComputedStyle(document.querySelector(sel)!).display === 'none', { timeout: 15_000 }, DIALOG_FRAME);
  expect(h.legacy.posted.length).toBe(before);
  await page.close();
}

/** A container holding two documents is refused (never the first match); the rule's container picks the clicked row. */
export async function containerDecides(h: Harness, withContainer: boolean): Promise<void> {
  const page = await openPage(h, '/bigform', withContainer && h.mode === 'widget' ? { container: 'tr' } : {});
  await ready(h, page);
  const before = h.legacy.posted.length;
  await page.click('#baris2 .lulus');
  if (!withContainer) {
    const dialog = (await (await page.waitForSelector(DIALOG_FRAME, { visible: true }))!.contentFrame())!;
    expect(await errorText(dialog)).toContain('lebih daripada satu dokumen');
    await dialog.click('.actions button');
    expect(h.legacy.posted.length).toBe(before);
  } else {
    const dialog = await openDialog(page);
    expect(await dialog.$eval('#rs-doc-id', (el) => el.textContent)).toBe(ROWS[1]!.noBaucer);
    await sign(h, page);
    await waitForPosts(h, before + 1);
    // The one big form posts every row's inputs: what was signed is row 2 (the clicked one), never row 1.
    const post = h.legacy.posted[0]!;
    expect(post.fields.baris).toBe('2');
    expect(post.fields.roamsign_document_id).toBe(ROWS[1]!.noBaucer);
    expect((await verifyPosted(h, { ...post, fields: { ...post.fields, ...ROWS[1]! } })).valid).toBe(true);
    expect((await verifyPosted(h, { ...post, fields: { ...post.fields, ...ROWS[0]! } })).valid).toBe(false);
  }
  await page.close();
}

/** The server cannot be reached: the page says so, offers Close, and nothing is posted. */
export async function unreachableFailsClosed(h: Harness, page: Page): Promise<void> {
  const before = h.legacy.posted.length;
  await page.click('#baris1 .lulus');
  const text = await notice(page);
  expect(text).toMatch(/Tiada apa-apa|tidak dapat dihubungi/);
  await page.click('[data-roamsign-notice] button');
  expect(await page.$('[data-roamsign-notice]')).toBeNull();
  expect(await page.evaluate(() => document.activeElement?.className)).toBe('lulus');
  expect(h.legacy.posted.length).toBe(before);
}

/** The odd legacy screens as one system (id "speks": the server still needs a registered id; once systems are server data it gets its own). */
export function legacySystem(origin: string): SystemDefinition {
  return {
    id: 'speks',
    names: { ms: 'Skrin ujian', en: 'Test screens' },
    allowedOrigins: [origin],
    screens: [
      ...Object.entries(SCREEN_RULES).map(([name, rule]) => ({ ...rule, matches: [`http://${LEGACY_HOST}/${name}*`], ...(name === 'bigform' ? { container: 'tr' } : {}) })),
      ...Object.entries(ROW_SCREEN_RULES).map(([name, rule]) => ({ ...rule, matches: [name === 'modul' ? `http://${MODULE_HOST}/luar/modul*` : `http://${LEGACY_HOST}/${name}*`] })),
    ],
  };
}

