import { browser } from 'wxt/browser';

/** chrome-extension://<id><path>: the URL of one of the extension's own pages. */
export function extensionUrl(path: '/dialog.html' | '/options.html'): string {
  // WXT types getURL from generated path lists; the plain WebExtension signature is enough here.
  return (browser.runtime as unknown as { getURL(p: string): string }).getURL(path);
}
