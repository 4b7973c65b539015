import { defineContentScript } from 'wxt/utils/define-content-script';
import { startMainWorldGuard } from '../lib/content/mainWorldGuard.js';

// The page's main world, before its own scripts: holds approvals' submissions (form.submit(),
// fetch, XHR) for the content script to sign. Inert on pages no rule matches.
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  allFrames: true,
  runAt: 'document_start',
  world: 'MAIN',
  main() {
    startMainWorldGuard(window);
  },
});
