import type { WxtBrowser } from 'wxt/browser';

const RESULT = /#r=([A-Za-z0-9_-]+)$/;
const unb64u = (text: string) => decodeURIComponent(escape(atob(text.replace(/-/g, '+').replace(/_/g, '/'))));

/**
 * Issue 11: the extension's passkey ceremony. The extension's origin is not RoamSign's WebAuthn
 * RP, so the ceremony runs in a RoamSign-origin popup window (server/routes/passkeyCeremony.ts);
 * its answer comes back in the popup's URL fragment, which this worker reads (host permission)
 * and no page can. Closing the window resolves null.
 */
export function createCeremonyRunner(browser: WxtBrowser) {
  return async function runCeremony(url: string): Promise<unknown> {
    const win = await browser.windows.create({ url, type: 'popup', width: 480, height: 420, focused: true });
    const tabId = win?.tabs?.[0]?.id;
    if (win?.id === undefined || tabId === undefined) return null;
    return new Promise((resolve) => {
      const finish = (value: unknown) => {
        browser.tabs.onUpdated.removeListener(onUpdated);
        browser.windows.onRemoved.removeListener(onRemoved);
        resolve(value);
      };
      const onUpdated = (id: number, change: { url?: string }) => {
        // Only RoamSign's own page may hand back an answer: another extension steering the tab elsewhere cannot.
        const match = id === tabId && change.url && new URL(change.url).origin === new URL(url).origin ? RESULT.exec(change.url) : null;
        if (!match) return;
        let credential: unknown = null;
        try {
          credential = JSON.parse(unb64u(match[1]!));
        } catch {
          credential = null;
        }
        void browser.windows.remove(win.id!).catch(() => undefined);
        finish(credential);
      };
      const onRemoved = (id: number) => {
        if (id === win.id) finish(null);
      };
      browser.tabs.onUpdated.addListener(onUpdated);
      browser.windows.onRemoved.addListener(onRemoved);
    });
  };
}
