import { desc } from 'drizzle-orm';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGateConfig, parseGateConfig } from '../../gate/config.js';
import { startGate, type RunningGate } from '../../gate/startGate.js';
import { artifactPath } from '../e2e/browser.js';
import { buildExtension, EXTENSION_ORIGIN, launchWithExtension, setLocalSettings } from '../e2e/extensionBrowser.js';
import { completeSignature, DIALOG_FRAME } from '../e2e/kit.js';
import { startLiveServer, type LiveServer } from '../e2e/liveServer.js';
import { approveScreen, postedDocuments, SCREENS } from '../e2e/pages/legacyScreens.js';
import { AMINAH } from '../helpers/api.js';
import { freePort } from '../helpers/freePort.js';

// The worked gate.json (gate/examples/gate.json) in front of the demo screens, with the RoamSign
// extension signing in Chromium (no script tag, no injection): the gate passes the signed post.

let roamsign: LiveServer;
let gate: RunningGate;
let browser: Browser;

beforeAll(async () => {
  await buildExtension();
  const gatePort = await freePort();
  roamsign = await startLiveServer({
    ROAMSIGN_EXTENSION_ORIGINS: EXTENSION_ORIGIN,
    ROAMSIGN_ALLOWED_ORIGINS: `http://127.0.0.1:${gatePort}`,
    ROAMSIGN_LOG_LEVEL: 'silent',
  });
  const example = loadGateConfig('gate/examples/gate.json');
  // The example as shipped, pointed at this test's servers, with the extension instead of injection.
  const config = parseGateConfig({
    ...example,
    listen: { host: '127.0.0.1', port: gatePort },
    upstream: roamsign.url,
    roamsign: { url: roamsign.url, timeoutMs: 5000 },
    injectWidget: false,
    log: 'silent',
  });
  gate = await startGate(config, { env: { ROAMSIGN_GATE_IGFMAS_SECRET: 'sandbox', ROAMSIGN_GATE_SPEKS_SECRET: 'sandbox' } });
  browser = await launchWithExtension();
  await setLocalSettings(browser, { serverUrl: roamsign.url });
});
afterAll(async () => {
  await browser?.close();
  await gate?.close();
  await roamsign?.stop();
});

describe('the worked gate.json in front of the demo screens, signing with the extension', () => {
  it.each(['igfmas', 'speks'] as const)('%s: the extension signs, the gate lets the approval through once', async (system) => {
    const page: Page = await browser.newPage();
    await page.goto(`${gate.url}${SCREENS[system].path}`);
    const screen = await approveScreen(page, system, false);
    // The content script runs at document_idle: give it that moment before the officer's click.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = (await postedDocuments(roamsign.url)).length;
    await screen.click(SCREENS[system].approve);
    await screen.waitForSelector(DIALOG_FRAME, { visible: true });
    await completeSignature(screen, { server: roamsign.url, nric: AMINAH.nric, pin: AMINAH.pin });
    await screen.waitForSelector('#mesejBerjaya', { timeout: 15_000 });
    await page.screenshot({ path: artifactPath(`gate-extension-${system}.png`) });
    const posted = await postedDocuments(roamsign.url);
    expect(posted.length).toBe(before + 1);
    expect(posted[0]).toMatchObject({ system, documentNo: SCREENS[system].documentId });
    expect(posted[0]!.fields.roamsign_request_id).toMatch(/^sr_/);
    // RoamSign decided it: the approval is recorded against that signing request.
    const decided = (await roamsign.services.db.orm.select().from(roamsign.services.db.t.auditLog).orderBy(desc(roamsign.services.db.t.auditLog.seq))).find((r) => r.action.startsWith('approval.'));
    expect(decided).toMatchObject({ action: 'approval.passed', actor: `client:demo-${system}`, subject: posted[0]!.fields.roamsign_request_id });
    await page.close();
  });

  it('the same screen without a signature (extension switched off for the page) is refused', async () => {
    const before = (await postedDocuments(roamsign.url)).length;
    const res = await fetch(`${gate.url}${SCREENS.igfmas.path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ noDokumen: 'STH-2026-000123', tindakan: 'sah', tarikhDokumen: '12/01/2026', vendor: 'x', amaun: '1.00', pusatKos: 'x', keterangan: 'x' }).toString(),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('data-reason="unsigned"');
    expect((await postedDocuments(roamsign.url)).length).toBe(before);
  });
});
