import type { Frame, Page } from 'puppeteer-core';
import { documentDigest } from '../../../shared/document.js';
import { builtInSystem } from '../../../shared/builtInSystems.js';
import type { BuiltInSystemId } from '../../../shared/systems.js';
import { waitForWidget } from '../kit.js';

/** The demo screens, the approve button each test presses, and where the buttons live. */
export const SCREENS: Record<BuiltInSystemId, { path: string; approve: string; documentId: string; buttonsInFrame: boolean }> = {
  igfmas: { path: '/demo/igfmas/document/STH-2026-000123', approve: '#btnPeraku1', documentId: 'STH-2026-000123', buttonsInFrame: false },
  eperolehan: { path: '/demo/eperolehan', approve: '#btnLulus', documentId: 'PO-2026-004512', buttonsInFrame: false },
  speks: { path: '/demo/speks', approve: '#btnLulus', documentId: 'BB-2026-000789', buttonsInFrame: true },
};

/** The frame that holds the approve buttons: the page itself, or SPEKS' content iframe. */
export async function approveScreen(page: Page, system: BuiltInSystemId, withWidget = true): Promise<Page | Frame> {
  let screen: Page | Frame = page;
  if (SCREENS[system].buttonsInFrame) {
    const handle = await page.waitForSelector('iframe#kandungan');
    screen = (await handle!.contentFrame())!;
    await screen.waitForSelector(SCREENS[system].approve);
  }
  if (withWidget) await waitForWidget(screen);
  return screen;
}

/** The digest of the document as the screen shows it, computed here in Node from the page's values. */
export async function digestOfShownDocument(screen: Page | Frame, system: BuiltInSystemId): Promise<string> {
  const rule = builtInSystem(system)!.screens[0]!;
  const fields = await screen.evaluate((selectors: Record<string, string>) => {
    const out: Record<string, string> = {};
    for (const [name, selector] of Object.entries(selectors)) {
      const el = document.querySelector(selector) as HTMLInputElement | null;
      out[name] = el ? (typeof el.value === 'string' ? el.value : el.textContent ?? '') : '';
    }
    return out;
  }, rule.fields);
  return documentDigest(fields);
}

export interface PostedDocument {
  system: string;
  documentNo: string;
  action: string;
  fields: Record<string, string | string[]>;
}

/** What the legacy system received, newest first. */
export async function postedDocuments(server: string): Promise<PostedDocument[]> {
  return (await (await fetch(`${server}/demo/posted.json`)).json()) as PostedDocument[];
}
