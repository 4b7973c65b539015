import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { FIREFOX_EXTENSION_DIR } from './extensionBrowser.js';

export const FIREFOX = process.env.ROAMSIGN_FIREFOX ?? '/usr/bin/firefox-esr';
/** The extension's Firefox id (wxt.config.ts browser_specific_settings). */
export const GECKO_ID = 'roamsign@anm.gov.my';
/** Fixed per-install UUID, so the server can trust moz-extension://<uuid> (ROAMSIGN_EXTENSION_ORIGINS). */
export const FIREFOX_EXTENSION_UUID = '7d2a3c9e-5b1f-4e8a-9c6d-2f0b1a3e4d5c';
export const FIREFOX_EXTENSION_ORIGIN = `moz-extension://${FIREFOX_EXTENSION_UUID}`;

/**
 * Debian's Firefox ESR driven over WebDriver BiDi, with the RoamSign extension installed and its
 * settings pushed as Firefox's managed storage: the per-user native manifest
 * ~/.mozilla/managed-storage/<id>.json (what policies.json "3rdparty" does machine-wide), under a
 * HOME of its own so nothing outside the test changes.
 */
export async function launchFirefoxWithExtension(managed: Record<string, unknown>): Promise<Browser> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-firefox-'));
  const storage = path.join(home, '.mozilla', 'managed-storage');
  fs.mkdirSync(storage, { recursive: true });
  fs.writeFileSync(path.join(storage, `${GECKO_ID}.json`), JSON.stringify({ name: GECKO_ID, description: 'RoamSign (test)', type: 'storage', data: managed }));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    env: { ...process.env, HOME: home, MOZ_CRASHREPORTER_DISABLE: '1' },
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }),
      'network.dns.localDomains': 'legacy.intranet.test,modul.intranet.test,roamsign.intranet.test',
    },
  });
  await browser.installExtension(FIREFOX_EXTENSION_DIR);
  return browser;
}
