import { browser } from 'wxt/browser';
import { extensionUrl } from '../lib/extensionUrl.js';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { startContentScript } from '../lib/content/contentScript.js';
import type { Request, TabMessage } from '../lib/messages.js';
import { loadSettings } from '../lib/settings.js';

// Runs on every http(s) page and frame, but acts only where a site rule matches (rules are
// editable, so they cannot live in the manifest).
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  allFrames: true,
  runAt: 'document_idle',
  main() {
    void startContentScript(window, {
      settings: () => loadSettings(browser.storage),
      sendMessage: (message: Request) => browser.runtime.sendMessage(message),
      onMessage: (listener) =>
        browser.runtime.onMessage.addListener((message: unknown, _sender, sendResponse) => {
          const answer = listener(message as TabMessage);
          if (answer !== undefined) sendResponse(answer);
          return false;
        }),
      dialogUrl: extensionUrl('/dialog.html'),
    });
  },
});
