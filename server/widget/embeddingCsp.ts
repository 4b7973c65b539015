/**
 * Exactly what a page that embeds the widget must allow in its Content-Security-Policy: the
 * loader and its helpers (script-src) and the dialog frame (frame-src), both from RoamSign's
 * origin. Nothing else: the page makes no API call (the frame does), and the widget sets its
 * styles through the CSSOM, which style-src does not govern.
 */
export function embeddingCsp(publicUrl: string) {
  const origin = new URL(publicUrl).origin;
  return {
    origin,
    directives: { 'script-src': [origin], 'frame-src': [origin] },
    /** Sources to add to the page's own policy (keep its other sources, such as 'self'). */
    example: `Content-Security-Policy: script-src 'self' ${origin}; frame-src 'self' ${origin}`,
    extension: 'The RoamSign browser extension needs no CSP change.',
    scripts: [`${origin}/widget.js`, `${origin}/widget/page.js`],
    frame: `${origin}/widget/frame`,
  };
}
