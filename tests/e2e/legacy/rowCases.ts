import type { Frame, Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { canonicalDocumentBytes } from '../../../shared/document.js';
import { DIALOG_FRAME, errorText, openDialog, type Screen } from '../kit.js';
import { AMINAH, openPage, ready, sign, waitForPosts, type Harness } from './legacyCases.js';
import type { LegacyPost } from './legacyServer.js';
import { gridRowId, MORE_ORDERS, ORDERS } from './screens.js';

// Issue 18, written once and run with the widget and with the extension (and the key WebForms
// case in Firefox): on each odd screen every row signs its own document. Each signature is checked
// against the clicked row's fields recomputed here (valid) and every other row's (invalid), and the
// legacy system must receive the page's own action fields as the page sent them.

type Order = (typeof ORDERS)[number];

/**
 * A step in the dialog's frame, bounded: puppeteer's $eval / click in a frame wait for its
 * context with no deadline of their own, so a frame that lost it would hang the test until
 * vitest's timeout, naming nothing. This names the step instead.
 */
async function step<T>(what: string, run: Promise<T>, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer from the dialog's frame within ${ms} ms`)), ms)));
  try {
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
  }
}
const ALL = [...ORDERS, ...MORE_ORDERS];

/** POST /api/v1/verify over the canonical bytes of `fields`. */
async function verifies(h: Harness, signature: string | undefined, fields: Record<string, string>): Promise<boolean> {
  const content = Buffer.from(canonicalDocumentBytes(fields)).toString('base64');
  const res = await fetch(`${h.server.pageUrl}/api/v1/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ signature, content }) });
  const report = (await res.json()) as { valid: boolean; signer?: { nric: string } };
  if (report.valid) expect(report.signer?.nric).toBe(AMINAH.nric);
  return report.valid;
}

/** The signature is over exactly `order`'s fields, and over no other order's. */
export async function expectSignatureOf(h: Harness, signature: string | undefined, order: Order): Promise<void> {
  expect(signature, 'a signature was posted').toBeTruthy();
  expect(await verifies(h, signature, order), `signed ${order.noPesanan}`).toBe(true);
  for (const other of ALL.filter((o) => o !== order)) expect(await verifies(h, signature, other), `not ${other.noPesanan}`).toBe(false);
}

/** The newest post: from `screen`, one more than `before`, signed for exactly `order`. */
async function signedPost(h: Harness, screen: string, order: Order, before: number): Promise<LegacyPost> {
  await waitForPosts(h, before + 1);
  expect(h.legacy.posted.length).toBe(before + 1);
  const post = h.legacy.posted[0]!;
  expect(post.screen).toBe(screen);
  expect(post.fields.roamsign_document_id).toBe(order.noPesanan);
  expect(post.fields.roamsign_request_id).toMatch(/^sr_/);
  await expectSignatureOf(h, post.fields.roamsign_signature, order);
  return post;
}

/** The dialog shows `order` (number, amount, payee), and the officer signs it with PIN + OTP. */
async function signShown(h: Harness, screen: Screen, order: Order): Promise<void> {
  const dialog = await openDialog(screen);
  const shown = await step('the shown document', dialog.$eval('#rs-doc-id', (el) => [el.textContent, ...['amaun', 'pembekal'].map((name) => document.querySelector(`#rs-fields dd[data-field="${name}"]`)?.textContent)]));
  expect(shown).toEqual([order.noPesanan, order.amaun, order.pembekal]);
  await sign(h, screen);
}

/** The dialog refuses with a text containing `says`; closing it posts nothing. */
async function expectRefusal(h: Harness, screen: Screen, says: string, before: number): Promise<string> {
  const handle = await screen.waitForSelector(DIALOG_FRAME, { visible: true, timeout: 15_000 });
  const dialog = (await handle!.contentFrame())!;
  const text = await errorText(dialog);
  expect(text).toContain(says);
  expect(await step('the PIN field', dialog.$('#rs-pin'))).toBeNull();
  await step('Close', dialog.click('.actions button'));
  await screen.waitForFunction((sel) => !document.querySelector(sel) || getComputedStyle(document.querySelector(sel)!).display === 'none', { timeout: 15_000 }, DIALOG_FRAME);
  expect(h.legacy.posted.length).toBe(before);
  return text;
}

async function reopen(h: Harness, page: Page, path: string, query: Record<string, string>): Promise<void> {
  await page.goto(`${h.legacy.origin}${path}?${new URLSearchParams({ ...(h.mode === 'widget' ? { widget: '1' } : {}), ...query })}`);
  await ready(h, page);
}

const ROW_ORDER = [1, 0, 2, 3]; // row 2 first: the case

/**
 * WebForms GridView (issue 18 part 1): text-only rows, a LinkButton per row
 * (`javascript:__doPostBack`), one page-wide form. Each row signs its own order; the back end
 * gets that row's __EVENTTARGET (or, for a ButtonField, the grid and "Lulus$<row>"), __VIEWSTATE.
 * The pager's and the search button's postbacks are the page's own: no dialog, no signature.
 */
export async function webformsSignsEachRow(h: Harness, query: Record<string, string> = {}, keyboard = false): Promise<void> {
  const page = await openPage(h, '/webforms', query);
  const asked: string[] = [];
  page.on('dialog', (d) => {
    asked.push(d.message());
    void d.accept();
  });
  await ready(h, page);
  const field = query.buttonfield === '1';
  for (const i of ROW_ORDER) {
    const order = ORDERS[i]!;
    const before = h.legacy.posted.length;
    const link = field ? `#ctl00_gvPesanan tr:nth-child(${i + 2}) a.lulusBaris` : `#ctl00_gvPesanan_${gridRowId(i)}_lnkLulus`;
    if (keyboard) {
      await page.focus(link);
      await page.keyboard.press('Enter');
    } else await page.click(link);
    await signShown(h, page, order);
    const post = await signedPost(h, 'webforms', order, before);
    if (field) expect([post.fields.__EVENTTARGET, post.fields.__EVENTARGUMENT]).toEqual(['ctl00$gvPesanan', `Lulus$${i}`]);
    else expect([post.fields.__EVENTTARGET, post.fields.__EVENTARGUMENT]).toEqual([`ctl00$gvPesanan$${gridRowId(i)}$lnkLulus`, '']);
    expect(post.fields.__VIEWSTATE).toBe('/wEPDwUKMTY1NDU2MTA1MmRkZ2VTb21lVmlld1N0YXRl');
    await reopen(h, page, '/webforms', query);
  }
  if (query.confirm === '1') expect(asked).toEqual(ROW_ORDER.map((i) => `Luluskan pesanan ${ORDERS[i]!.noPesanan}?`));
  // The page's own postbacks pass untouched (a held one would never navigate).
  for (const control of ['#halaman2', '#ctl00_btnCari']) {
    const before = h.legacy.posted.length;
    await Promise.all([page.waitForNavigation(), page.click(control)]);
    expect(h.legacy.posted.length).toBe(before + 1);
    const post = h.legacy.posted[0]!;
    expect(Object.keys(post.fields).filter((k) => k.startsWith('roamsign'))).toEqual([]);
    if (control === '#halaman2') expect([post.fields.__EVENTTARGET, post.fields.__EVENTARGUMENT]).toEqual(['ctl00$gvPesanan', 'Page$2']);
    else expect(post.fields['ctl00$btnCari']).toBe('Cari');
    await reopen(h, page, '/webforms', query);
  }
  await page.close();
}

/** A submission no activation explains, on a form with several approve controls: refused and said, never the first row. */
export async function unknownControlIsRefused(h: Harness): Promise<void> {
  const page = await openPage(h, '/webforms');
  await ready(h, page);
  const before = h.legacy.posted.length;
  // No click, no key: nothing says which of the four rows this is.
  await page.evaluate(() => (document.forms.namedItem('aspnetForm') as HTMLFormElement).submit());
  await expectRefusal(h, page, 'tidak dapat memastikan butang lulus', before);
  await page.close();
}

/** JSF commandLink (part 1): the row's own order is signed, and the post carries the input jsfcljs added and removed at once. */
export async function jsfKeepsItsActionField(h: Harness, keyboard = false): Promise<void> {
  const page = await openPage(h, '/jsf');
  await ready(h, page);
  for (const i of [1, 0, 2]) {
    const order = ORDERS[i]!;
    const before = h.legacy.posted.length;
    const link = `[id="frm:tbl:${i}:lulus"]`;
    if (keyboard) {
      await page.focus(link);
      await page.keyboard.press('Enter');
    } else await page.click(link);
    await signShown(h, page, order);
    // The page removed its input as soon as submit() returned: the live form no longer has it.
    const post = await signedPost(h, 'jsf', order, before);
    expect(post.fields[`frm:tbl:${i}:lulus`]).toBe(`frm:tbl:${i}:lulus`);
    expect(post.fields.frm).toBe('frm');
    expect(post.fields['javax.faces.ViewState']).toBe('-4417256632105846:3318702375128371231');
    expect(Object.keys(post.fields).filter((k) => k.startsWith('frm:tbl:'))).toEqual([`frm:tbl:${i}:lulus`]);
    await reopen(h, page, '/jsf', {});
  }
  await page.close();
}

/** Struts DispatchAction: the "method" field (which shadows form.method) set, submitted and reset; the post is as submitted. */
export async function strutsPostsWhatWasSubmitted(h: Harness): Promise<void> {
  const page = await openPage(h, '/struts');
  await ready(h, page);
  for (const i of [2, 0, 1]) {
    const order = ORDERS[i]!;
    const before = h.legacy.posted.length;
    await page.click(`#senarai tr:nth-child(${i + 1}) input.btnLulus`);
    await signShown(h, page, order);
    const post = await signedPost(h, 'struts', order, before);
    expect([post.fields.method, post.fields.idPesanan, post.fields.action]).toEqual(['lulus', order.noPesanan, 'senarai']);
    await reopen(h, page, '/struts', {});
  }
  await page.close();
}

/** Oracle-Forms-like: the toolbar's Lulus signs the current record (the one the officer is in). */
export async function oracleSignsTheCurrentRecord(h: Harness): Promise<void> {
  const page = await openPage(h, '/oracle');
  await ready(h, page);
  for (const i of [2, 0, 3]) {
    const order = ORDERS[i]!;
    const before = h.legacy.posted.length;
    await page.click(`.rekod[data-rekod="${i + 1}"] .i-pembekal`);
    await page.click('#TB_LULUS');
    await signShown(h, page, order);
    const post = await signedPost(h, 'oracle', order, before);
    expect(post.fields.REKOD_SEMASA).toBe(String(i + 1));
    await reopen(h, page, '/oracle', {});
  }
  await page.close();
}

/**
 * Kelulusan pukal (part 2): the ticked rows, listed with amount and payee and a total, signed under
 * one PIN + OTP; the post carries roamsign_count and one indexed signature per document. Nothing
 * ticked, or a ticked row on a hidden page: refused, saying so (and which).
 */
export async function batchSignsTheTickedRows(h: Harness): Promise<void> {
  const page = await openPage(h, '/pukal');
  await ready(h, page);
  let before = h.legacy.posted.length;
  await page.click('#btnLulusPukal');
  await expectRefusal(h, page, 'Tiada dokumen dipilih', before);

  // Rows 1 and 3 on page 1, and row 5 on page 2, which is hidden again.
  await page.click('#pilih1');
  await page.click('#pilih3');
  await page.click('#hal2');
  await page.click('#pilih5');
  await page.click('#hal1');
  await page.click('#btnLulusPukal');
  expect(await expectRefusal(h, page, 'tidak dipaparkan', before)).toContain(MORE_ORDERS[0]!.noPesanan);

  await page.click('#hal2');
  await page.click('#pilih5'); // untick it
  await page.click('#hal1');
  await page.click('#btnLulusPukal');
  const chosen = [ORDERS[0]!, ORDERS[2]!];
  const dialog = await openDialog(page);
  expect(await step('the batch summary', dialog.$eval('#rs-doc-id', (el) => [el.textContent, document.querySelector('#rs-total')?.textContent]))).toEqual(['2 dokumen, jumlah RM 11,810.50', 'RM 11,810.50']);
  const listed = await step(
    'the batch list',
    dialog.$$eval('#rs-docs li', (items) => items.map((li) => [...li.querySelectorAll('dt')].map((dt) => `${dt.textContent}=${dt.nextElementSibling?.textContent}`))),
  );
  // Each document lists every signed field, amount and payee first.
  expect(listed).toEqual(chosen.map((o) => [`Amaun (RM)=${o.amaun}`, `Pembekal=${o.pembekal}`, `No. Pesanan=${o.noPesanan}`, `Tarikh=${o.tarikh}`]));
  await sign(h, page);
  await waitForPosts(h, before + 1);
  const post = h.legacy.posted[0]!;
  expect(post.screen).toBe('pukal');
  expect(post.fields.roamsign_count).toBe('2');
  expect(post.fields.roamsign_request_id).toMatch(/^sr_/);
  expect(post.fields.roamsign_certificate_serial).toBeTruthy();
  expect(post.fields.roamsign_document_id).toBeUndefined();
  expect(post.values.pilih).toEqual(chosen.map((o) => o.noPesanan));
  expect(post.fields.btnLulusPukal).toBe('Lulus Pukal');
  for (const [n, order] of chosen.entries()) {
    expect(post.fields[`roamsign_document_id_${n + 1}`]).toBe(order.noPesanan);
    await expectSignatureOf(h, post.fields[`roamsign_signature_${n + 1}`], order);
  }
  expect(Object.keys(post.fields).filter((k) => k.startsWith('roamsign_'))).toHaveLength(3 + 2 * chosen.length);

  // One ticked row: the one-document shape.
  await reopen(h, page, '/pukal', {});
  before = h.legacy.posted.length;
  await page.click('#pilih2');
  await page.click('#btnLulusPukal');
  await signShown(h, page, ORDERS[1]!);
  await signedPost(h, 'pukal', ORDERS[1]!, before);
  await page.close();
}

/** Waits for the popup a click on the opener opens, with RoamSign ready in it. */
async function popupFrom(h: Harness, page: Page, button: string): Promise<Page> {
  const opened = new Promise<Page>((resolve) => page.once('popup', (p) => resolve(p!)));
  await page.click(button);
  const popup = await opened;
  await popup.waitForSelector('#btnSahkan');
  await ready(h, popup);
  return popup;
}

/**
 * Popup approvals (part 3): the opener's Lulus opens a confirmation window showing the order;
 * its Sahkan posts the popup's own form (`own`), or fills and submits the opener's form and closes
 * itself (`opener`). Signed in the popup, reading the order it shows; the officer is on the opener.
 */
export async function popupSigns(h: Harness, mode: 'own' | 'opener'): Promise<void> {
  const page = await openPage(h, '/popup', { mode });
  await ready(h, page);
  for (const i of [1, 2]) {
    const order = ORDERS[i]!;
    const before = h.legacy.posted.length;
    const popup = await popupFrom(h, page, `#buka${i + 1}`);
    const closed = new Promise<void>((resolve) => popup.once('close', () => resolve()));
    await popup.click('#btnSahkan');
    await signShown(h, popup, order);
    if (mode === 'own') {
      const post = await signedPost(h, 'popup-sendiri', order, before);
      expect(post.fields.tindakan).toBe('sah');
      expect(post.fields.noPesanan).toBe(order.noPesanan);
      await popup.close();
    } else {
      const post = await signedPost(h, 'popup', order, before);
      expect([post.fields.idPesanan, post.fields.tindakan]).toEqual([order.noPesanan, 'lulus']);
      // The popup's close() waited for the signature, then closed it.
      await closed;
      await page.waitForSelector('#diterima');
      await reopen(h, page, '/popup', { mode });
    }
  }
  await page.close();
}

/** A module of another origin framed into the legacy page: each row's form signs its row; the framing page is dimmed meanwhile. */
export async function otherOriginFrameSigns(h: Harness): Promise<void> {
  const page = await openPage(h, '/luar');
  const module = async () => {
    const frame = (await (await page.waitForSelector('iframe#modul'))!.contentFrame())!;
    await frame.waitForSelector('button.lulus');
    await ready(h, frame);
    return frame;
  };
  let frame: Frame = await module();
  for (const i of [1, 2, 0]) {
    const order = ORDERS[i]!;
    const before = h.legacy.posted.length;
    await frame.click(`#senarai tr:nth-child(${i + 1}) button.lulus`);
    await openDialog(frame);
    // The framing page (another origin) is dimmed by message.
    await page.waitForSelector('[data-roamsign-dim]');
    await signShown(h, frame, order);
    const post = await signedPost(h, 'modul', order, before);
    expect([post.fields.idPesanan, post.fields.tindakan]).toEqual([order.noPesanan, 'lulus']);
    await page.waitForFunction(() => !document.querySelector('[data-roamsign-dim]'));
    await page.goto(`${h.legacy.origin}/luar${h.mode === 'widget' ? '?widget=1' : ''}`);
    frame = await module();
  }
  await page.close();
}
