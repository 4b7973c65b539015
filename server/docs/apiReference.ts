import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';

/** The vendored Scalar API Reference build (scripts/vendorScalar.ts refreshes it). MIT licence. */
export const SCALAR_BUNDLE = { version: '1.76.0', file: 'scalar-api-reference-1.76.0.js.gz' } as const;

let bundle: Buffer | undefined;
/** Read on first use: most processes never serve /docs. */
function gzippedBundle(): Buffer {
  bundle ??= fs.readFileSync(new URL(`./vendor/${SCALAR_BUNDLE.file}`, import.meta.url));
  return bundle;
}

/**
 * Scalar runs in RoamSign's own origin, so it may load nothing from elsewhere: our copy of its
 * script (plus the one inline start-up script, by nonce), requests to our own API for try-it,
 * and no fonts, telemetry, proxy or AI agent from Scalar's servers.
 */
function policy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Darker text colours than Scalar's light theme, for WCAG AA contrast (axe-core, tests/e2e/apiDocs.test.ts). */
const CONTRAST_CSS = `.light-mode {
  --scalar-color-3: #5e5e5e !important;
  --scalar-color-green: #006b44 !important;
  --scalar-color-blue: #1f4fb8 !important;
  --scalar-color-orange: #a34700 !important;
  --scalar-color-red: #b3261e !important;
  --scalar-color-yellow: #7a5800 !important;
  --scalar-color-purple: #6a3fa0 !important;
}
.dark-mode {
  --scalar-color-blue: #8fa1ff !important;
}`;

/** GET /docs: the API reference with try-it, rendered from /openapi.json; GET /docs/scalar.js: its script. */
export function apiReferenceRoutes() {
  return new Hono()
    .get('/docs/scalar.js', (c) => {
      const headers = { 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=86400', Vary: 'Accept-Encoding' };
      if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) return c.body(new Uint8Array(gzippedBundle()), 200, { ...headers, 'Content-Encoding': 'gzip' });
      return c.body(new Uint8Array(zlib.gunzipSync(gzippedBundle())), 200, headers);
    })
    .get('/docs', async (c, next) => {
      const nonce = crypto.randomBytes(16).toString('base64');
      const reference = Scalar({
        url: '/openapi.json',
        pageTitle: 'RoamSign API',
        cdn: '/docs/scalar.js',
        nonce,
        withDefaultFonts: false,
        telemetry: false,
        hideClientButton: false,
        defaultOpenAllTags: true,
        customCss: CONTRAST_CSS,
        showDeveloperTools: 'never',
        mcp: { disabled: true },
        agent: { disabled: true },
      } as Parameters<typeof Scalar>[0]);
      const page = await reference(c, next);
      if (!(page instanceof Response)) return page;
      // Scalar's page has no language; the reference's own words are English.
      const markup = (await page.text()).replace('<html>', '<html lang="en">');
      return c.html(markup, 200, { 'Content-Security-Policy': policy(nonce), 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' });
    });
}
