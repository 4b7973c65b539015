import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, WebWorker } from 'puppeteer-core';
import { EXTENSION_ID } from '../../extension/identity.js';
import { launchChromium } from './browser.js';

export { EXTENSION_ID };
export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;
export const EXTENSION_DIR = path.resolve('dist/extension/chrome-mv3');

export const FIREFOX_EXTENSION_DIR = path.resolve('dist/extension/firefox-mv2');

/**
 * Builds the extension as `npm run build` does (WXT), so the tests load what users install. Test
 * files run in parallel and WXT writes shared folders, so builds take turns (a lock directory).
 */
export async function buildExtension(target: 'chrome' | 'firefox' = 'chrome'): Promise<void> {
  const lock = path.resolve('dist/.extension-build-lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock older than five minutes belongs to a run that died.
      if (i > 3000 || Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 300_000) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    const run = spawnSync(path.resolve('node_modules/.bin/wxt'), ['build', '-b', target], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`wxt build failed:\n${run.stdout}\n${run.stderr}`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Debian's Chromium with the built extension loaded unpacked. */
export async function launchWithExtension(extraArgs: string[] = []): Promise<Browser> {
  return launchChromium(extraArgs, { enableExtensions: [EXTENSION_DIR], pipe: true });
}

/** The extension's service worker, to read and write its storage as the options page would. */
export async function extensionWorker(browser: Browser): Promise<WebWorker> {
  const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_ORIGIN), { timeout: 15_000 });
  const worker = (await target.worker())!;
  // Found right at start-up, the worker may run before Chromium has bound its extension APIs
  // (`chrome` without `storage`), or even its timers: ask from here until they are there, with a
  // deadline that names what it waited for.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await worker
      .evaluate(() => Boolean((globalThis as unknown as { chrome?: { storage?: { local?: unknown } } }).chrome?.storage?.local))
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error("the extension's service worker never had chrome.storage.local");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return worker;
}

export async function setLocalSettings(browser: Browser, settings: Record<string, unknown>): Promise<void> {
  const worker = await extensionWorker(browser);
  await worker.evaluate((value) => (globalThis as unknown as { chrome: { storage: { local: { set(v: unknown): Promise<void> } } } }).chrome.storage.local.set({ settings: value }), settings);
}
