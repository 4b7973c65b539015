import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, WebWorker } from 'puppeteer-core';
import { EXTENSION_ID } from '../../extension/identity.js';
import { launchChromium } from './browser.js';

export { EXTENSION_ID };
export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;
export const EXTENSION_DIR = path.resolve('dist/extension/chrome-mv3');

/** Builds the MV3 extension as `npm run build` does (WXT), so the tests load what users install. */
export function buildExtension(): void {
  const run = spawnSync(path.resolve('node_modules/.bin/wxt'), ['build'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wxt build failed:\n${run.stdout}\n${run.stderr}`);
}

/** Debian's Chromium with the built extension loaded unpacked. */
export async function launchWithExtension(extraArgs: string[] = []): Promise<Browser> {
  return launchChromium(extraArgs, { enableExtensions: [EXTENSION_DIR], pipe: true });
}

/** The extension's service worker, to read and write its storage as the options page would. */
export async function extensionWorker(browser: Browser): Promise<WebWorker> {
  const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_ORIGIN), { timeout: 15_000 });
  return (await target.worker())!;
}

export async function setLocalSettings(browser: Browser, settings: Record<string, unknown>): Promise<void> {
  const worker = await extensionWorker(browser);
  await worker.evaluate((value) => (globalThis as unknown as { chrome: { storage: { local: { set(v: unknown): Promise<void> } } } }).chrome.storage.local.set({ settings: value }), settings);
}
