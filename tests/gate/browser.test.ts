import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGateConfig, parseGateConfig } from '../../gate/config.js';
import { startGate, type RunningGate } from '../../gate/startGate.js';
import { artifactPath, launchChromium } from '../e2e/browser.js';
import { completeSignature, waitForWidget } from '../e2e/kit.js';
import { postedDocuments, SCREENS } from '../e2e/pages/legacyScreens.js';
import { startLiveServer, type LiveServer } from '../e2e/liveServer.js';
import { AMINAH } from '../helpers/api.js';
import { freePort } from '../helpers/freePort.js';
import { testGateConfig } from './gateSetup.js';
import { APP_JS, ORDERS, STH_DOCUMENTS, startLegacyBackend, type LegacyBackend } from './legacyBackend.js';

const require = createRequire(import.meta.url);

// Real Chromium on the legacy screens through the gate, with the widget injected by the gate
// (the pages themselves never mention RoamSign, and their CSP would block it). One browser.

let roamsign: LiveServer;
let backend: LegacyBackend;
let gate: RunningGate;
/** The worked gate/examples/gate.json in front of RoamSign's own demo screens. */
let demoGate: RunningGate;
let browser: Browser;

beforeAll(async () => {
  const [gatePort, demoGatePort] = [await freePort(), await freePort()];
  // The gate is the page origin the officer's browser sees: allowed for the system.
  [roamsign, backend, browser] = await Promise.all([
    startLiveServer({ ROAMSIGN_ALLOWED_ORIGINS: `http://127.0.0.1:${gatePort},http://127.0.0.1:${demoGatePort}`, ROAMSIGN_LOG_LEVEL: 'silent' }),
    startLegacyBackend(),
    launchChromium(),
  ]);
  gate = await startGate(testGateConfig({ upstream: backend.url, roamsign: roamsign.url, injectWidget: true, port: gatePort }));
  const example = loadGateConfig('gate/examples/gate.json');
  demoGate = await startGate(
    parseGateConfig({ ...example, listen: { host: '127.0.0.1', port: demoGatePort }, upstream: roamsign.url, roamsign: { url: roamsign.url, timeoutMs: 5000 }, log: 'silent' }),
    { env: { ROAMSIGN_GATE_IGFMAS_SECRET: 'sandbox', ROAMSIGN_GATE_SPEKS_SECRET: 'sandbox' } },
  );
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([gate?.close(), demoGate?.close()]);
  await Promise.all([backend?.close(), roamsign?.stop()]);
});

async function signedInPage(next: string): Promise<Page> {
  const page = await browser.newPage();
  // Sign-in redirects to the back end's own address; the gate rewrites it, so the browser stays behind the gate.
  await page.goto(`${gate.url}/login?user=${AMINAH.nric}&next=${encodeURIComponent(next)}`);
  expect(page.url()).toBe(`${gate.url}${next}`);
  return page;
}

describe('the widget injected by the gate', () => {
  it('adds one script tag before </body> and the CSP sources it needs; other bytes are the back end\'s', async () => {
    const cookie = `sid=none`;
    const direct = await (await fetch(`${backend.url}/sth/${STH_DOCUMENTS[0].noDokumen}`, { headers: { Cookie: cookie } })).text();
    const through = await fetch(`${gate.url}/sth/${STH_DOCUMENTS[0].noDokumen}`, { headers: { Cookie: cookie, 'Accept-Encoding': 'gzip' } });
    const tag = /<script src="[^"]+\/widget\.js"[^>]*><\/script>/.exec(await through.clone().text())?.[0];
    expect(tag).toContain(`src="${roamsign.url}/widget.js"`);
    expect(tag).toContain('data-system="igfmas"');
    expect(tag).toContain('data-buttons="#btnLulus"');
    expect(await through.text()).toBe(direct.replace('</body>', `${tag}</body>`));
    expect(through.headers.get('content-security-policy')).toBe(
      `default-src 'self'; script-src 'self' 'unsafe-inline' ${roamsign.url}; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-src 'self' ${roamsign.url}`,
    );
    // Pages the rules do not list, and everything that is not a page, are untouched.
    expect(await (await fetch(`${gate.url}/sth`)).text()).toBe(await (await fetch(`${backend.url}/sth`)).text());
    expect(Buffer.from(await (await fetch(`${gate.url}/static/app.js`)).arrayBuffer()).equals(APP_JS)).toBe(true);
  });

  it('an officer signs a form approval with PIN + OTP, and the legacy system receives it once', async () => {
    const doc = STH_DOCUMENTS[0];
    const page = await signedInPage(`/sth/${doc.noDokumen}`);
    await waitForWidget(page);
    const before = backend.approvals().length;
    await page.click('#btnLulus');
    await completeSignature(page, { server: roamsign.url, nric: AMINAH.nric, pin: AMINAH.pin });
    await page.waitForSelector('#selesai', { timeout: 15_000 });
    expect(page.url()).toBe(`${gate.url}/sth/${doc.noDokumen}/done`);
    expect(backend.approvals().length).toBe(before + 1);
    const received = backend.approvals().at(-1)!;
    expect(received.approval).toMatch(/^ap_/);
    expect(new URLSearchParams(received.raw.toString()).get('roamsign_document_id')).toBe(doc.noDokumen);
    await page.screenshot({ path: artifactPath('gate-approved.png') });
    await page.close();
  });

  it('a script-posted JSON approval (fetch) is signed and passes', async () => {
    const order = ORDERS[0];
    const page = await signedInPage(`/orders/${order.noPesanan}`);
    await waitForWidget(page);
    await page.click('#btnLulusPesanan');
    await completeSignature(page, { server: roamsign.url, nric: AMINAH.nric, pin: AMINAH.pin });
    await page.waitForFunction(() => document.querySelector('#keputusan')?.textContent !== '', { timeout: 15_000 });
    expect(await page.$eval('#keputusan', (el) => el.textContent)).toBe('200 diluluskan');
    expect(backend.approvals().at(-1)!.approval).toMatch(/^ap_/);
    await page.close();
  });

  it('when the widget cannot load (blocked script), the unsigned approval is refused with a clear page, keyboard-usable and axe-clean', async () => {
    const doc = STH_DOCUMENTS[1];
    const page = await signedInPage(`/sth/${doc.noDokumen}`);
    await page.close();
    const blocked = await browser.newPage();
    // An officer whose browser asks for Bahasa Malaysia.
    await blocked.setExtraHTTPHeaders({ 'Accept-Language': 'ms-MY,ms;q=0.9' });
    await blocked.setRequestInterception(true);
    blocked.on('request', (request) => (request.url().endsWith('/widget.js') ? void request.abort() : void request.continue()));
    await blocked.goto(`${gate.url}/sth/${doc.noDokumen}`);
    const before = backend.approvals().length;
    await Promise.all([blocked.waitForNavigation(), blocked.click('#btnLulus')]);
    expect(await blocked.$eval('#roamsign-gate-reason', (el) => el.getAttribute('data-reason'))).toBe('unsigned');
    expect(await blocked.$eval('h1', (el) => el.textContent)).toBe('Kelulusan tidak dihantar');
    expect(backend.approvals().length).toBe(before);
    await blocked.screenshot({ path: artifactPath('gate-refused.png') });

    // Keyboard: the way back is reachable by Tab.
    await blocked.keyboard.press('Tab');
    expect(await blocked.evaluate(() => document.activeElement?.textContent)).toBe('Kembali ke skrin sebelumnya');
    await blocked.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await blocked.evaluate(async () => {
      const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run();
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    expect(violations).toEqual([]);
    await blocked.close();
  });

  it('the worked gate.json injects the widget into the demo iGFMAS screen, and the signed approval passes', async () => {
    const page = await browser.newPage();
    await page.goto(`${demoGate.url}${SCREENS.igfmas.path}`);
    await waitForWidget(page);
    const before = (await postedDocuments(roamsign.url)).length;
    await page.click(SCREENS.igfmas.approve);
    await completeSignature(page, { server: roamsign.url, nric: AMINAH.nric, pin: AMINAH.pin });
    await page.waitForSelector('#mesejBerjaya', { timeout: 15_000 });
    const posted = await postedDocuments(roamsign.url);
    expect(posted.length).toBe(before + 1);
    expect(posted[0]).toMatchObject({ system: 'igfmas', documentNo: SCREENS.igfmas.documentId });
    expect(posted[0]!.fields.roamsign_request_id).toMatch(/^sr_/);
    await page.close();
  });
});
