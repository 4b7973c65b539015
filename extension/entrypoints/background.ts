import { browser } from 'wxt/browser';
import { extensionUrl } from '../lib/extensionUrl.js';
import { defineBackground } from 'wxt/utils/define-background';
import { createCeremonyRunner } from '../lib/background/runCeremony.js';
import { createWorker, type Sender } from '../lib/background/worker.js';
import type { HistoryEntry, Request } from '../lib/messages.js';
import { loadSettings } from '../lib/settings.js';
import { usableSettings } from '../lib/settingsSchema.js';

export default defineBackground(() => {
  const handle = createWorker({
    extensionId: browser.runtime.id,
    dialogUrl: extensionUrl('/dialog.html'),
    dialogUrlFixed: new URL('/dialog.html', location.origin).href,
    settings: () => loadSettings(browser.storage, usableSettings),
    fetch: (input, init) => fetch(input, init),
    sendToTab: (tabId, frameId, message) => browser.tabs.sendMessage(tabId, message, { frameId }),
    history: {
      read: async () => ((await browser.storage.local.get('history')).history ?? []) as HistoryEntry[],
      write: (entries) => browser.storage.local.set({ history: entries }),
    },
    deviceToken: {
      read: async (server) => {
        const { deviceTokens } = await browser.storage.local.get('deviceTokens');
        const token = (deviceTokens as Record<string, unknown> | undefined)?.[server];
        return typeof token === 'string' ? token : null;
      },
      write: async (server, token) => {
        const { deviceTokens } = await browser.storage.local.get('deviceTokens');
        await browser.storage.local.set({ deviceTokens: { ...(deviceTokens as Record<string, string> | undefined), [server]: token } });
      },
    },
    now: () => Date.now(),
    randomId: () => crypto.randomUUID(),
    runCeremony: createCeremonyRunner(browser),
  });
  browser.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    void handle(message as Request, sender as Sender).then(sendResponse);
    return true; // the answer comes asynchronously
  });
});
