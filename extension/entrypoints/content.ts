import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { startContentScript } from '../lib/content/contentScript.js';
import { send, type Request, type TabMessage } from '../lib/messages.js';
import type { EffectiveSettings } from '../lib/settings.js';

// Runs on every http(s) page and frame, but acts only where a site rule matches (rules are
// editable, so they cannot live in the manifest).
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  allFrames: true,
  // At document_start, so the main-world guard knows the approve controls before anyone can click.
  runAt: 'document_start',
  main() {
    void startContentScript(window, {
      // The worker validates and merges the settings (the content script carries no schema library).
      settings: async () => {
        const reply = await send<EffectiveSettings>((m: Request) => browser.runtime.sendMessage(m), { type: 'rs:settings' }, 10_000);
        if (!reply.ok) throw new Error(reply.message);
        return reply.value;
      },
      sendMessage: (message: Request) => browser.runtime.sendMessage(message),
      onMessage: (listener) =>
        browser.runtime.onMessage.addListener((message: unknown, _sender, sendResponse) => {
          const answer = listener(message as TabMessage);
          if (answer !== undefined) sendResponse(answer);
          return false;
        }),
    });
  },
});
