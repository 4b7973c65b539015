import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesAny } from '../../shared/matchPattern.js';
import type { ScreenRule, SystemDefinition } from '../../shared/siteRules.js';
import { artifactPath } from './browser.js';
import { buildExtension, EXTENSION_ORIGIN, extensionWorker, launchWithExtension, setLocalSettings } from './extensionBrowser.js';
import { HOST_RULES, rowsSignTheClickedRow, type Harness } from './legacy/legacyCases.js';
import { startLegacyServer, type LegacyServer } from './legacy/legacyServer.js';
import { batchSignsTheTickedRows, jsfKeepsItsActionField, webformsSignsEachRow } from './legacy/rowCases.js';
import { gridRowId, LEGACY_HOST, MORE_ORDERS, ORDERS, ROWS } from './legacy/screens.js';
import { startLiveServer, type LiveServer } from './liveServer.js';

// Issue 18 part 5, the rule recorder, end to end in Chromium with the built extension: on an odd
// screen the extension knows nothing of, the IT officer starts "Rekod skrin baharu" from the
// options page, clicks the approve control, the officer's number and the fields (no selector typed);
// the recorder proposes the rule, previews every row as the dialog shows it, tests a click without
// submitting anything, and saves the screen. Then the recorded rule signs the clicked row, and the
// signature verifies over that row's fields and no other's.

const REC = 'roamsign-recorder >>> ';

let server: LiveServer;
let legacy: LegacyServer;
let browser: Browser;
let h: Harness;

beforeAll(async () => {
  await buildExtension();
  legacy = await startLegacyServer(() => server.url);
  server = await startLiveServer({ ROAMSIGN_ALLOWED_ORIGINS: legacy.origin, ROAMSIGN_EXTENSION_ORIGINS: EXTENSION_ORIGIN }, { host: 'roamsign.intranet.test' });
  browser = await launchWithExtension([HOST_RULES]);
  // Only the built-in systems: no rule matches the odd screens until one is recorded.
  await setLocalSettings(browser, { serverUrl: server.url });
  h = { mode: 'extension', browser, server, legacy };
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await legacy?.stop();
});

async function openScreen(path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  await page.goto(`${legacy.origin}${path}`);
  return page;
}

/** The options page's "Rekod skrin baharu" on the tab showing `path`: the recorder appears there, at its first step. */
async function startRecording(screen: Page, path: string): Promise<void> {
  const options = await browser.newPage();
  await options.goto(`${EXTENSION_ORIGIN}/options.html`);
  const button = `#record-tabs button[data-url^="${legacy.origin}${path}"]`;
  await options.waitForSelector(button);
  await options.click(button);
  // The recorder's tab comes to the front: the options page is in the background, where requestAnimationFrame does not run.
  await options.waitForFunction(() => document.querySelector('#record-status')?.textContent, { polling: 100, timeout: 15_000 });
  expect(await options.$eval('#record-status', (el) => el.textContent)).toBe('Perakam dipaparkan pada tab itu.');
  await options.close();
  await screen.bringToFront();
  await screen.waitForSelector(`${REC}#rec-step[data-step="button"]`);
}

async function stepIs(screen: Page, step: string): Promise<void> {
  await screen.waitForSelector(`${REC}#rec-step[data-step="${step}"]`, { timeout: 10_000 });
}

/** Approve control, officer, fields (clicks on the live page), then Done: the proposed rule. */
async function record(screen: Page, picks: { control: string; officer: string; fields: string[] }): Promise<ScreenRule> {
  await screen.click(picks.control);
  await stepIs(screen, 'officer');
  await screen.click(picks.officer);
  await stepIs(screen, 'fields');
  for (const [i, field] of picks.fields.entries()) {
    await screen.click(field);
    await screen.waitForFunction((n) => document.querySelector('roamsign-recorder')?.shadowRoot?.querySelectorAll('.field').length === n, { timeout: 10_000 }, i + 1);
  }
  await screen.click(`${REC}#rec-done`);
  await stepIs(screen, 'test');
  return JSON.parse(await screen.$eval(`${REC}#rec-rule`, (el) => (el as HTMLTextAreaElement).value)) as ScreenRule;
}

/** What the recorder's preview shows for each approve control: the document number, amount and payee, as the dialog would. */
async function preview(screen: Page): Promise<string[][]> {
  return screen.$$eval(`${REC}#rec-preview > li`, (items) =>
    items.map((li) => [li.querySelector('.doc-id')?.textContent ?? li.textContent ?? '', ...['amaun', li.querySelector('dd[data-field="penerima"]') ? 'penerima' : 'pembekal', 'tarikh'].map((n) => li.querySelector(`dd[data-field="${n}"]`)?.textContent ?? '')]),
  );
}

/** Saves the recorded screen into system `id` and returns the extension's stored local settings. */
async function save(screen: Page, id: string): Promise<{ systems: SystemDefinition[] }> {
  await screen.click(`${REC}#rec-system`, { count: 3 });
  await screen.keyboard.press('Backspace');
  await screen.type(`${REC}#rec-system`, id);
  await screen.click(`${REC}#rec-save`);
  await screen.waitForFunction(() => document.querySelector('roamsign-recorder')?.shadowRoot?.querySelector('#rec-note')?.textContent?.includes('disimpan'), { timeout: 10_000 });
  const worker = await extensionWorker(browser);
  return (await worker.evaluate(async () => (await (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome.storage.local.get('settings')).settings)) as {
    systems: SystemDefinition[];
  };
}

describe('the rule recorder (issue 18 part 5) in Chromium with the extension', { timeout: 240_000 }, () => {
  it('WebForms GridView: recorded by clicks (ids before positions, labels from the headers), every row previewed as its own, a test click posts nothing; saved, each row signs its own order', async () => {
    const screen = await openScreen('/webforms');
    await startRecording(screen, '/webforms');
    const before = legacy.posted.length;
    const row = (i: number) => `#ctl00_gvPesanan_${gridRowId(i)}`;
    // Row 2's LinkButton; the fields picked on different rows (row 2, 3, 1 and 4's amount cell, not its <span>).
    const rule = await record(screen, {
      control: `${row(1)}_lnkLulus`,
      officer: '#ctl00_lblPengguna',
      fields: [`${row(1)}_lblNoPesanan`, `${row(2)}_lblTarikh`, `${row(0)}_lblPembekal`, `#ctl00_gvPesanan tr:nth-child(5) td[align=right]`],
    });
    expect(rule).toEqual({
      matches: [`http://${LEGACY_HOST}/webforms*`],
      buttons: 'a[id$=_lnkLulus]',
      officer: '#ctl00_lblPengguna',
      container: 'tr',
      fields: { noPesanan: 'span[id$=_lblNoPesanan]', tarikh: 'span[id$=_lblTarikh]', pembekal: 'span[id$=_lblPembekal]', amaun: 'span[id$=_lblAmaun]' },
      labels: { noPesanan: 'No. Pesanan', tarikh: 'Tarikh', pembekal: 'Pembekal', amaun: 'Amaun (RM)' },
      idField: 'noPesanan',
      amountField: 'amaun',
      payeeField: 'pembekal',
      title: 'Kelulusan Pesanan',
    });
    // Every approve control previewed with its own row's document: row 2 gives row 2.
    expect(await preview(screen)).toEqual(ORDERS.map((o) => [o.noPesanan, o.amaun, o.pembekal, o.tarikh]));
    // A test click on row 3's Lulus shows row 3, and nothing reaches the page: no postback, no post.
    await screen.click(`${row(2)}_lnkLulus`);
    await screen.waitForSelector(`${REC}#rec-tested .doc-id`);
    expect(await screen.$eval(`${REC}#rec-tested .doc-id`, (el) => el.textContent)).toBe(ORDERS[2]!.noPesanan);
    expect(await screen.$eval(`${REC}#rec-tested dd[data-field="pembekal"]`, (el) => el.textContent)).toBe(ORDERS[2]!.pembekal);
    expect(screen.url()).toBe(`${legacy.origin}/webforms`);
    expect(legacy.posted.length).toBe(before);
    await screen.screenshot({ path: artifactPath('recorder-webforms.png') });

    // Export: a system for managed policy with this screen; save: into system "speks" (registered on the server), its other screens kept.
    const stored = await save(screen, 'speks');
    const exported = JSON.parse(await screen.$eval(`${REC}#rec-system-json`, (el) => (el as HTMLTextAreaElement).value)) as SystemDefinition;
    const speks = stored.systems.find((s) => s.id === 'speks')!;
    expect(speks.screens[0]).toEqual(rule);
    expect(speks.screens.length).toBeGreaterThan(1);
    // Only the recorded screen matches this page: what signs below is the recorded rule.
    expect(speks.screens.filter((x) => matchesAny(x.matches, `${legacy.origin}/webforms`))).toEqual([rule]);
    expect(speks.allowedOrigins).toContain(legacy.origin);
    expect(exported).toEqual(speks);
    await screen.click(`${REC}#rec-close`);
    expect(await screen.$('roamsign-recorder')).toBeNull();
    await screen.close();

    // The recorded rule at work, in issue 18's own case: each row signs its own order (verified over
    // it and no other), the back end gets the row's postback, the pager and search pass untouched.
    await webformsSignsEachRow(h);
  });

  it('JSF dataTable (no header row, fields by class, commandLinks with generated ids): recorded by clicks on row 1; each row signs its own order and the post keeps its action field', async () => {
    const screen = await openScreen('/jsf');
    await startRecording(screen, '/jsf');
    const row = (i: number) => `[id="frm:tbl"] tr:nth-child(${i + 1})`;
    const rule = await record(screen, { control: '[id="frm:tbl:0:lulus"]', officer: '#pengguna', fields: [`${row(0)} .noPesanan`, `${row(0)} .pembekal`, `${row(0)} .amaun`, `${row(0)} .tarikh`] });
    expect(rule).toMatchObject({
      buttons: 'a[id$=":lulus"]',
      officer: '#pengguna',
      container: 'tr',
      fields: { noPesanan: '.noPesanan', pembekal: '.pembekal', amaun: '.amaun', tarikh: '.tarikh' },
      idField: 'noPesanan',
      amountField: 'amaun',
      payeeField: 'pembekal',
    });
    expect(await preview(screen)).toEqual(ORDERS.map((o) => [o.noPesanan, o.amaun, o.pembekal, o.tarikh]));
    await save(screen, 'speks');
    await screen.close();
    await jsfKeepsItsActionField(h);
  });

  it('one form per row with a button, an image button and a link (inputs by name): one recorded rule for all three; each row signs and posts its own voucher', async () => {
    const screen = await openScreen('/rows');
    await startRecording(screen, '/rows');
    const rule = await record(screen, { control: '#baris1 .lulus', officer: '#pengguna', fields: ['#baris2 [name=noBaucer]', '#baris1 [name=penerima]', '#baris3 [name=amaun]'] });
    expect(rule).toEqual({
      matches: [`http://${LEGACY_HOST}/rows*`],
      buttons: '.lulus',
      officer: '#pengguna',
      container: 'tr',
      fields: { noBaucer: '[name=noBaucer]', penerima: '[name=penerima]', amaun: '[name=amaun]' },
      idField: 'noBaucer',
      amountField: 'amaun',
      payeeField: 'penerima',
      title: 'rows',
    });
    expect(await preview(screen)).toEqual(ROWS.map((r) => [r.noBaucer, r.amaun, r.penerima, '']));
    await save(screen, 'speks');
    await screen.close();
    await rowsSignTheClickedRow(h);
  });

  it('kelulusan pukal: the approve button, the officer, one row\'s tick box and its fields give a batch rule; every row previewed; it signs the ticked rows and refuses nothing ticked or a hidden tick', async () => {
    const screen = await openScreen('/pukal');
    await startRecording(screen, '/pukal');
    const before = legacy.posted.length;
    await screen.click('#btnLulusPukal');
    await stepIs(screen, 'officer');
    // One approve control and tick boxes in its form: proposed as a batch screen.
    expect(await screen.$eval(`${REC}#rec-batch`, (el) => (el as HTMLInputElement).checked)).toBe(true);
    await screen.click('#pengguna');
    await stepIs(screen, 'select');
    await screen.click('#pilih2');
    await stepIs(screen, 'fields');
    expect(await screen.$eval('#pilih2', (el) => (el as HTMLInputElement).checked)).toBe(false); // the recorder's click ticks nothing
    const cell = (name: string) => `tr.dok:nth-child(2) td.${name}`;
    for (const [i, name] of ['noPesanan', 'pembekal', 'amaun', 'tarikh'].entries()) {
      await screen.click(cell(name));
      await screen.waitForFunction((n) => document.querySelector('roamsign-recorder')?.shadowRoot?.querySelectorAll('.field').length === n, { timeout: 10_000 }, i + 1);
    }
    await screen.click(`${REC}#rec-done`);
    await stepIs(screen, 'test');
    const rule = JSON.parse(await screen.$eval(`${REC}#rec-rule`, (el) => (el as HTMLTextAreaElement).value)) as ScreenRule;
    expect(rule).toEqual({
      matches: [`http://${LEGACY_HOST}/pukal*`],
      buttons: '#btnLulusPukal',
      officer: '#pengguna',
      fields: { noPesanan: '.noPesanan', pembekal: '.pembekal', amaun: '.amaun', tarikh: '.tarikh' },
      labels: { noPesanan: 'No. Pesanan', pembekal: 'Pembekal', amaun: 'Amaun (RM)', tarikh: 'Tarikh' },
      idField: 'noPesanan',
      amountField: 'amaun',
      payeeField: 'pembekal',
      title: 'pukal',
      batch: { rows: 'tr.dok', selected: 'input[name=pilih]:checked' },
    });
    // Every row, the hidden second page's too, as it would be signed when ticked.
    expect(await preview(screen)).toEqual([...ORDERS, ...MORE_ORDERS].map((o) => [o.noPesanan, o.amaun, o.pembekal, o.tarikh]));
    // Test: nothing ticked is the dialog's refusal; rows 1 and 3 ticked (the page's own clicks pass) are those two.
    await screen.click('#btnLulusPukal');
    await screen.waitForFunction(() => document.querySelector('roamsign-recorder')?.shadowRoot?.querySelector('#rec-tested')?.textContent?.includes('Tiada dokumen dipilih'), { timeout: 10_000 });
    await screen.click('#pilih1');
    await screen.click('#pilih3');
    await screen.click('#btnLulusPukal');
    await screen.waitForFunction(() => document.querySelector('roamsign-recorder')?.shadowRoot?.querySelectorAll('#rec-tested .doc-id').length === 2, { timeout: 10_000 });
    expect(await screen.$$eval(`${REC}#rec-tested .doc-id`, (els) => els.map((el) => el.textContent))).toEqual([ORDERS[0]!.noPesanan, ORDERS[2]!.noPesanan]);
    expect(screen.url()).toBe(`${legacy.origin}/pukal`);
    expect(legacy.posted.length).toBe(before);
    await save(screen, 'speks');
    await screen.close();
    await batchSignsTheTickedRows(h);
  });
});
