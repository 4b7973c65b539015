import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtInSystem } from '../../shared/builtInSystems.js';
import { formatMalaysiaTime } from '../../shared/time.js';
import type { BuiltInSystemId } from '../../shared/systems.js';
import { artifactPath, launchChromium } from './browser.js';
import { buildExtension, EXTENSION_ID, EXTENSION_ORIGIN, extensionWorker, launchWithExtension, setLocalSettings } from './extensionBrowser.js';
import { completeSignature, DIALOG_FRAME } from './kit.js';
import { startLiveServer, type LiveServer } from './liveServer.js';
import { approveScreen, digestOfShownDocument, postedDocuments, SCREENS } from './pages/legacyScreens.js';
import { passkeyThroughPopup } from './extensionPasskeyCase.js';
import { containerDecides, enterKeySigns, guardReady, legacySystem, fetchAndXhrSign, framesetSignsAndDimsTheTab, HOST_RULES, lateFormSigns, noOfficerIsRefused, openPage, pageConfirmComesFirst, ready, rowsSignTheClickedRow, unreachableFailsClosed, type Harness } from './legacy/legacyCases.js';
import { startLegacyServer, type LegacyServer } from './legacy/legacyServer.js';
import { batchSignsTheTickedRows, jsfKeepsItsActionField, oracleSignsTheCurrentRecord, otherOriginFrameSigns, popupSigns, strutsPostsWhatWasSubmitted, unknownControlIsRefused, webformsSignsEachRow } from './legacy/rowCases.js';

const AMINAH = { nric: '900101011234', pin: '123456' };
/** Chromium on Linux reads enterprise policy from here; the test writes one for the extension's ID. */
const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = path.join(POLICY_DIR, `roamsign-e2e-${process.pid}.json`);

let server: LiveServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await buildExtension();
  server = await startLiveServer({ ROAMSIGN_EXTENSION_ORIGINS: EXTENSION_ORIGIN });
  browser = await launchWithExtension([HOST_RULES]);
  await setLocalSettings(browser, { serverUrl: server.url });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
afterEach(async () => {
  await page?.close().catch(() => undefined);
});

async function open(url: string, on: Browser = browser): Promise<Page> {
  page = await on.newPage();
  await page.setViewport({ width: 1100, height: 760 });
  await page.goto(url);
  return page;
}

async function verify(on: LiveServer, signature: string, digest: string) {
  const res = await fetch(`${on.url}/api/v1/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ signature, digest }) });
  return (await res.json()) as { valid: boolean };
}

/** Signs on a plain demo screen through the extension and returns what the legacy system received. */
async function signOn(on: LiveServer, url: string, system: BuiltInSystemId, browserToUse: Browser = browser) {
  const before = (await postedDocuments(on.url)).length;
  await open(url, browserToUse);
  const screen = await approveScreen(page, system, false);
  const digest = await digestOfShownDocument(screen, system);
  await guardReady(screen);
  await screen.click(SCREENS[system].approve);
  await screen.waitForSelector(DIALOG_FRAME, { visible: true });
  await page.screenshot({ path: artifactPath(`extension-dialog-${system}.png`) });
  await completeSignature(screen, { server: on.url, nric: AMINAH.nric, pin: AMINAH.pin });
  await screen.waitForSelector('#mesejBerjaya', { timeout: 15_000 });
  const posted = await postedDocuments(on.url);
  expect(posted.length).toBe(before + 1);
  return { received: posted[0]!, digest };
}

describe.each(Object.keys(SCREENS) as BuiltInSystemId[])('plain %s screen (no script tag) with the extension', (system) => {
  it('the approve button opens the dialog; PIN + OTP sign; the legacy handler gets a signature the server verifies', async () => {
    const { received, digest } = await signOn(server, `${server.pageUrl}${SCREENS[system].path}`, system);
    expect(await page.$('script[src*="widget.js"]')).toBeNull();
    expect(received).toMatchObject({ system, documentNo: SCREENS[system].documentId });
    expect(received.fields.roamsign_request_id).toMatch(/^sr_/);
    expect((await verify(server, received.fields.roamsign_signature as string, digest)).valid).toBe(true);
    // The worker keeps the device token the server handed it and sends it back: one trusted device
    // for the officer however many screens she signs on (a lost token would add one per signature).
    const devices = await server.services.db.all<{ n: number }>("select count(*) as n from trusted_devices where subject = 'officer:900101011234'");
    expect(Number(devices[0]!.n)).toBe(1);
  });
});

describe('the extension', () => {
  it('frames its dialog from the extension origin (the session\'s dynamic id), out of the page scripts\' reach', async () => {
    await open(`${server.pageUrl}${SCREENS.igfmas.path}`);
    await guardReady(page);
    await page.click('#btnPeraku2');
    await page.waitForSelector(DIALOG_FRAME, { visible: true });
    const src = await page.$eval(DIALOG_FRAME, (el) => (el as HTMLIFrameElement).src);
    // use_dynamic_url: the page never sees the extension's fixed id.
    expect(src).toMatch(/^chrome-extension:\/\/[0-9a-f-]{36}\/dialog\.html\?job=/);
    expect(src).not.toContain(EXTENSION_ID);
    const frame = await (await page.$(DIALOG_FRAME))!.contentFrame();
    await frame!.waitForSelector('#rs-cancel');
    // Once the dialog has loaded, the page's scripts cannot reach into it.
    expect(await page.$eval(DIALOG_FRAME, (el) => (el as HTMLIFrameElement).contentDocument)).toBeNull();
    await frame!.click('#rs-cancel');
    await page.waitForFunction((sel) => !document.querySelector(sel), {}, DIALOG_FRAME);
  });

  it("a token officer's click passes through untouched", async () => {
    const before = (await postedDocuments(server.url)).length;
    await open(`${server.pageUrl}${SCREENS.igfmas.path}?user=750303039999`);
    await guardReady(page);
    await Promise.all([page.waitForNavigation(), page.click('#btnSah')]);
    const posted = await postedDocuments(server.url);
    expect(posted.length).toBe(before + 1);
    expect(posted[0]).toMatchObject({ action: 'sah' });
    expect(Object.keys(posted[0]!.fields).filter((k) => k.startsWith('roamsign'))).toEqual([]);
  });

  it('signs on a page served with a strict Content-Security-Policy', async () => {
    const { received } = await signOn(server, `${server.pageUrl}${SCREENS.igfmas.path}?csp=strict`, 'igfmas');
    expect(received.fields.roamsign_signature).toBeTruthy();
  });

  it('does not touch a page that no rule matches', async () => {
    // The same screen, but the iGFMAS rule now names another host.
    const igfmas = builtInSystem('igfmas')!;
    await setLocalSettings(browser, { serverUrl: server.url, systems: [{ ...igfmas, screens: [{ ...igfmas.screens[0]!, matches: ['https://igfmas.anm.gov.my/*'] }] }] });
    try {
      const before = (await postedDocuments(server.url)).length;
      await open(`${server.pageUrl}${SCREENS.igfmas.path}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const html = await page.evaluate(() => document.documentElement.outerHTML);
      expect(html).not.toContain('dialog.html');
      await Promise.all([page.waitForNavigation(), page.click('#btnSah')]);
      const posted = await postedDocuments(server.url);
      expect(posted.length).toBe(before + 1);
      expect(Object.keys(posted[0]!.fields).filter((k) => k.startsWith('roamsign'))).toEqual([]);
    } finally {
      await setLocalSettings(browser, { serverUrl: server.url });
    }
  });

  it('a new server address saved in the options page takes effect', async () => {
    const second = await startLiveServer({ ROAMSIGN_EXTENSION_ORIGINS: EXTENSION_ORIGIN });
    try {
      await open(`${EXTENSION_ORIGIN}/options.html`);
      await page.waitForSelector('#serverUrl');
      await page.$eval('#serverUrl', (el) => ((el as HTMLInputElement).value = ''));
      await page.type('#serverUrl', second.url);
      await page.click('#test');
      await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('Sambungan berjaya'));
      await page.click('#save');
      await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('Tetapan disimpan'));
      await page.close();

      const firstOutbox = (await server.services.outbox.list(AMINAH.nric, 500)).length;
      const { received, digest } = await signOn(second, `${second.pageUrl}${SCREENS.igfmas.path}`, 'igfmas');
      expect((await verify(second, received.fields.roamsign_signature as string, digest)).valid).toBe(true);
      expect((await server.services.outbox.list(AMINAH.nric, 500)).length).toBe(firstOutbox);
    } finally {
      await setLocalSettings(browser, { serverUrl: server.url });
      await second.stop();
    }
  });

  it('the options page refuses an invalid address and says why', async () => {
    await open(`${EXTENSION_ORIGIN}/options.html`);
    await page.waitForSelector('#serverUrl');
    await page.$eval('#serverUrl', (el) => ((el as HTMLInputElement).value = ''));
    await page.type('#serverUrl', 'ftp://nope');
    await page.click('#save');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('Tetapan tidak sah'));
    const worker = await extensionWorker(browser);
    const stored = await worker.evaluate(() => (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, { serverUrl: string }>> } } } }).chrome.storage.local.get('settings'));
    expect(stored.settings!.serverUrl).toBe(server.url);
  });

  it('the popup shows the server, the officer on the tab and the last signatures', async () => {
    await open(`${EXTENSION_ORIGIN}/popup.html`);
    await page.waitForFunction(() => document.querySelector('#server-status')?.textContent?.includes('boleh dihubungi'));
    expect(await page.$$eval('#history li', (items) => items.length)).toBeGreaterThan(0);
    expect(await page.$eval('#history', (el) => el.textContent)).toContain('STH-2026-000123');
    // Issue 23: Malaysian time in the one format, whatever the browser's zone.
    const worker = await extensionWorker(browser);
    const stored = await worker.evaluate(() => (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<{ history: { signedAt: string }[] }> } } } }).chrome.storage.local.get('history'));
    const first = await page.$eval('#history li', (el) => el.textContent ?? '');
    expect(first).toContain(formatMalaysiaTime('ms', Date.parse(stored.history[0]!.signedAt)));
  });
});

describe('a managed policy', () => {
  let managedBrowser: Browser | undefined;
  let legacy: LegacyServer | undefined;
  let managedServer: LiveServer | undefined;
  afterAll(async () => {
    await managedBrowser?.close();
    fs.rmSync(POLICY_FILE, { force: true });
    await managedServer?.stop();
    await legacy?.stop();
  });

  it('alone configures the server, the language and a new screen; shown locked; the screen signs', async () => {
    legacy = await startLegacyServer(() => managedServer!.url);
    managedServer = await startLiveServer({ ROAMSIGN_ALLOWED_ORIGINS: legacy.origin, ROAMSIGN_EXTENSION_ORIGINS: EXTENSION_ORIGIN });
    fs.mkdirSync(POLICY_DIR, { recursive: true });
    const policy = { serverUrl: managedServer.url, lang: 'en', systems: [legacySystem(legacy.origin)] };
    fs.writeFileSync(POLICY_FILE, JSON.stringify({ '3rdparty': { extensions: { [EXTENSION_ID]: policy } } }));
    managedBrowser = await launchWithExtension([HOST_RULES]);
    // The local value points nowhere; policy must win.
    await setLocalSettings(managedBrowser, { serverUrl: 'http://localhost:9' });
    const worker = await extensionWorker(managedBrowser);
    await worker.evaluate(async () => {
      const storage = (globalThis as unknown as { chrome: { storage: { managed: { get(k: null): Promise<Record<string, unknown>> } } } }).chrome.storage.managed;
      for (let i = 0; i < 100 && !(await storage.get(null)).systems; i++) await new Promise((r) => setTimeout(r, 100));
    });

    page = await managedBrowser.newPage();
    await page.goto(`${EXTENSION_ORIGIN}/options.html`);
    await page.waitForSelector('#serverUrl');
    expect(await page.$eval('#serverUrl', (el) => [(el as HTMLInputElement).value, (el as HTMLInputElement).disabled])).toEqual([managedServer.url, true]);
    expect(await page.$eval('#locked-serverUrl', (el) => el.textContent)).toContain('Locked by your organisation');
    expect(await page.$eval('#systems', (el) => (el as HTMLTextAreaElement).disabled)).toBe(true);
    await page.close();

    const { received } = await signOn(managedServer, `${managedServer.pageUrl}${SCREENS.eperolehan.path}`, 'eperolehan', managedBrowser);
    expect(received.fields.roamsign_signature).toBeTruthy();
    await lateFormSigns({ mode: 'extension', browser: managedBrowser, server: managedServer, legacy });
  });
});

describe('without the extension', () => {
  it('the plain screen is just the legacy page', async () => {
    const plain = await launchChromium();
    try {
      const p = await plain.newPage();
      await p.goto(`${server.pageUrl}${SCREENS.igfmas.path}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await p.$(DIALOG_FRAME)).toBeNull();
    } finally {
      await plain.close();
    }
  });
});

describe('odd legacy screens with the extension (plain http, not localhost)', { timeout: 90_000 }, () => {
  let intranet: LiveServer;
  let legacy: LegacyServer;
  let h: Harness;
  beforeAll(async () => {
    legacy = await startLegacyServer(() => intranet.url);
    intranet = await startLiveServer({ ROAMSIGN_ALLOWED_ORIGINS: `${legacy.origin},${legacy.otherOrigin}`, ROAMSIGN_EXTENSION_ORIGINS: EXTENSION_ORIGIN }, { host: 'roamsign.intranet.test' });
    await setLocalSettings(browser, { serverUrl: intranet.url, systems: [legacySystem(legacy.origin)] });
    h = { mode: 'extension', browser, server: intranet, legacy };
  });
  afterAll(async () => {
    await setLocalSettings(browser, { serverUrl: server.url });
    await intranet?.stop();
    await legacy?.stop();
  });

  it('one form per row: the button, image button and link of each row sign and post that row', () => rowsSignTheClickedRow(h));
  it('on a page whose strict CSP names no RoamSign source', () => enterKeySigns(h, { csp: 'strict' }));
  it('a frameset with nested frames: the officer comes from the top frame, the whole tab is dimmed', () => framesetSignsAndDimsTheTab(h));
  it('a form and button built by script after load', () => lateFormSigns(h));
  it('the Enter key in a form', () => enterKeySigns(h));
  it('fetch (JSON) and XMLHttpRequest (URL-encoded) approvals carry the signature (main-world guard)', () => fetchAndXhrSign(h));
  it("the page's confirm(): cancelled, nothing is signed or posted; accepted, it signs", () => pageConfirmComesFirst(h));
  it('no officer on the screen: refused with the reason, nothing posted', () => noOfficerIsRefused(h));
  it('the rule\'s container signs the clicked row of one big form', () => containerDecides(h, true));

  // Issue 18: never the wrong row, never a lost action.
  it('WebForms GridView (text-only rows, LinkButtons, one page-wide form): each row signs its own order; the page\'s own postbacks pass', () => webformsSignsEachRow(h), 180_000);
  it('the same with a confirm() first', () => webformsSignsEachRow(h, { confirm: '1' }), 180_000);
  it('a GridView ButtonField (one target, the row in the argument)', () => webformsSignsEachRow(h, { buttonfield: '1' }), 180_000);
  it('keyboard activation (Enter on a focused LinkButton)', () => webformsSignsEachRow(h, {}, true), 180_000);
  it('a submission with several approve controls and no activation is refused, never the first row', () => unknownControlIsRefused(h));
  it('JSF commandLink: the post keeps the input jsfcljs added and removed around submit()', () => jsfKeepsItsActionField(h), 180_000);
  it('JSF commandLink by keyboard', () => jsfKeepsItsActionField(h, true), 180_000);
  it('Struts DispatchAction: the post is the form as submitted (method=lulus), not as reset after', () => strutsPostsWhatWasSubmitted(h), 180_000);
  it('Oracle-Forms-like block: the toolbar signs the current record', () => oracleSignsTheCurrentRecord(h), 180_000);
  it('kelulusan pukal: the ticked rows under one PIN + OTP; nothing ticked or a hidden tick is refused', () => batchSignsTheTickedRows(h), 180_000);
  it('a confirmation popup posting its own form', () => popupSigns(h, 'own'), 180_000);
  it("a confirmation popup submitting its opener's form, then closing", () => popupSigns(h, 'opener'), 180_000);
  it('a module of another origin in an iframe', () => otherOriginFrameSigns(h), 180_000);

  it('the server down: said in the page, nothing posted', async () => {
    await setLocalSettings(browser, { serverUrl: 'http://roamsign.intranet.test:9', systems: [legacySystem(legacy.origin)] });
    try {
      const page = await openPage(h, '/rows');
      await ready(h, page);
      await unreachableFailsClosed(h, page);
      await page.close();
    } finally {
      await setLocalSettings(browser, { serverUrl: intranet.url, systems: [legacySystem(legacy.origin)] });
    }
  });
});

describe('passkeys with the extension (issue 11)', () => {
  it('signs with PIN + passkey through a RoamSign-origin popup; the report names the passkey', () => passkeyThroughPopup(server, browser), 90_000);
});
