import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { DIALOG_FRAME, errorText } from './kit.js';
import { containerDecides, enterKeySigns, fetchAndXhrSign, framesetSignsAndDimsTheTab, HOST_RULES, lateFormSigns, noOfficerIsRefused, openPage, pageConfirmComesFirst, ready, rowsSignTheClickedRow, unreachableFailsClosed, type Harness } from './legacy/legacyCases.js';
import { startLegacyServer, type LegacyServer } from './legacy/legacyServer.js';
import { batchSignsTheTickedRows, jsfKeepsItsActionField, oracleSignsTheCurrentRecord, otherOriginFrameSigns, popupSigns, strutsPostsWhatWasSubmitted, unknownControlIsRefused, webformsSignsEachRow } from './legacy/rowCases.js';
import { startLiveServer, type LiveServer } from './liveServer.js';

// Issue 8 with the widget: odd legacy screens on a plain-http intranet host (not localhost), the
// widget configured only by its data-* attributes, and RoamSign itself on plain http too, so the
// page and the dialog run without crypto.subtle.

let server: LiveServer;
let legacy: LegacyServer;
let browser: Browser;
let h: Harness;

beforeAll(async () => {
  legacy = await startLegacyServer(() => server.url);
  server = await startLiveServer({ ROAMSIGN_ALLOWED_ORIGINS: `${legacy.origin},${legacy.otherOrigin}` }, { host: 'roamsign.intranet.test' });
  browser = await launchChromium([HOST_RULES]);
  h = { mode: 'widget', browser, server, legacy };
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await legacy?.stop();
});

describe('odd legacy screens with the widget', { timeout: 90_000 }, () => {
  it('runs where crypto.subtle is missing: page and dialog are not secure contexts', async () => {
    const page = await openPage(h, '/enter');
    await ready(h, page);
    expect(await page.evaluate(() => [window.isSecureContext, typeof crypto.subtle])).toEqual([false, 'undefined']);
    await page.close();
  });

  it('one form per row: the button, image button and link of each row sign and post that row', () => rowsSignTheClickedRow(h));
  it('a frameset with nested frames: the officer comes from the top frame, the whole tab is dimmed', () => framesetSignsAndDimsTheTab(h));
  it('a form and button built by script after load', () => lateFormSigns(h));
  it('the Enter key in a form', () => enterKeySigns(h));
  it('fetch (JSON) and XMLHttpRequest (URL-encoded) approvals carry the signature', () => fetchAndXhrSign(h));
  it("the page's confirm(): cancelled, nothing is signed or posted; accepted, it signs", () => pageConfirmComesFirst(h));
  it('no officer on the screen: refused with the reason, nothing posted', () => noOfficerIsRefused(h));
  it('an officer RoamSign does not know: the dialog says so and what to do (never a click that does nothing), nothing posted', async () => {
    const page = await openPage(h, '/rows', { officer: '880808088888' });
    await ready(h, page);
    const before = h.legacy.posted.length;
    await page.click('#baris1 .lulus');
    const dialog = (await (await page.waitForSelector(DIALOG_FRAME, { visible: true, timeout: 15_000 }))!.contentFrame())!;
    expect(await errorText(dialog)).toContain('belum berdaftar dengan RoamSign');
    expect(await dialog.$('#rs-pin')).toBeNull();
    // The dialog focuses its way forward once it fails; the officer's Escape goes there.
    await dialog.waitForFunction(() => document.hasFocus() && document.activeElement !== document.body, { timeout: 15_000 });
    await page.keyboard.press('Escape');
    await page.waitForFunction((sel) => !document.querySelector(sel) || getComputedStyle(document.querySelector(sel)!).display === 'none', { timeout: 15_000 }, DIALOG_FRAME);
    expect(h.legacy.posted.length).toBe(before);
    await page.close();
  });
  it('a container with two documents is refused, never the first match', () => containerDecides(h, false));
  it('data-container="tr" signs the clicked row of one big form', () => containerDecides(h, true));

  it('a strict CSP with exactly the sources GET /widget/csp names signs', async () => {
    const csp = (await (await fetch(`${server.pageUrl}/widget/csp`)).json()) as { directives: Record<string, string[]> };
    expect(csp.directives).toEqual({ 'script-src': [server.url], 'frame-src': [server.url] });
    await enterKeySigns(h, { csp: 'allowed' });
  });

  it('a CSP that blocks the dialog frame: reported on the console, said in the page, nothing posted', async () => {
    const page = await openPage(h, '/rows', { csp: 'noframe' });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.waitForFunction(() => 'RoamSign' in window);
    await unreachableFailsClosed(h, page);
    expect(errors.join('\n')).toContain('/widget/csp');
    await page.close();
  });

  it('the server going down: said in the page, nothing posted', async () => {
    const short = await startLiveServer({ ROAMSIGN_ALLOWED_ORIGINS: legacy.origin }, { host: 'roamsign.intranet.test' });
    const local: Harness = { ...h, server: short, legacy };
    const original = server;
    server = short;
    try {
      const page = await openPage(local, '/rows');
      await ready(local, page);
      await short.stop();
      await unreachableFailsClosed(local, page);
      await page.close();
    } finally {
      server = original;
    }
  });

  it('a bad data-* attribute is named on the console', async () => {
    const page = await h.browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${legacy.origin}/enter?widget=1&badfields=1`);
    await page.waitForFunction(() => 'RoamSign' in window);
    await page.waitForFunction(() => document.querySelector('iframe[src*="/widget/frame"]'));
    for (let i = 0; i < 50 && !errors.some((e) => e.includes('data-fields')); i++) await new Promise((r) => setTimeout(r, 100));
    expect(errors.find((e) => e.includes('data-fields'))).toContain('RoamSign: data-fields (fields)');
    await page.close();
  });
});

// Issue 18: never the wrong row, never a lost action.
describe('never the wrong row, never a lost action, with the widget', { timeout: 180_000 }, () => {
  it('WebForms GridView (text-only rows, LinkButtons, one page-wide form): each row signs its own order; the page\'s own postbacks pass', () => webformsSignsEachRow(h));
  it('the same with a confirm() first', () => webformsSignsEachRow(h, { confirm: '1' }));
  it('a GridView ButtonField (one target, the row in the argument)', () => webformsSignsEachRow(h, { buttonfield: '1' }));
  it('keyboard activation (Enter on a focused LinkButton)', () => webformsSignsEachRow(h, {}, true));
  it('a submission with several approve controls and no activation is refused, never the first row', () => unknownControlIsRefused(h));
  it('JSF commandLink: the post keeps the input jsfcljs added and removed around submit()', () => jsfKeepsItsActionField(h));
  it('JSF commandLink by keyboard', () => jsfKeepsItsActionField(h, true));
  it('Struts DispatchAction: the post is the form as submitted (method=lulus), not as reset after', () => strutsPostsWhatWasSubmitted(h));
  it('Oracle-Forms-like block: the toolbar signs the current record', () => oracleSignsTheCurrentRecord(h));
  it('kelulusan pukal: the ticked rows under one PIN + OTP; nothing ticked or a hidden tick is refused', () => batchSignsTheTickedRows(h));
  it('a confirmation popup posting its own form', () => popupSigns(h, 'own'));
  it("a confirmation popup submitting its opener's form, then closing", () => popupSigns(h, 'opener'));
  it('a module of another origin in an iframe', () => otherOriginFrameSigns(h));
});
