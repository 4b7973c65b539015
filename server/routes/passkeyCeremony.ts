import { Hono } from 'hono';
import { html } from 'hono/html';
import { pickLang, type Lang } from '../../shared/i18n/index.js';
import { ceremonyScript } from '../portal/passkeyScript.js';

const TEXT: Record<Lang, { title: string; intro: string; go: string; failed: string; missing: string }> = {
  ms: {
    title: 'Kunci laluan RoamSign',
    intro: 'Sambungan RoamSign meminta kunci laluan anda untuk tandatangan yang sedang dibuka. Tekan butang di bawah dan sahkan pada peranti anda.',
    go: 'Teruskan dengan kunci laluan',
    failed: 'Kunci laluan tidak digunakan. Cuba lagi atau tutup tetingkap ini untuk menggunakan OTP.',
    missing: 'Tetingkap ini hanya dibuka oleh sambungan RoamSign.',
  },
  en: {
    title: 'RoamSign passkey',
    intro: 'The RoamSign extension asks for your passkey for the signature it has open. Press the button below and confirm on your device.',
    go: 'Continue with passkey',
    failed: 'The passkey was not used. Try again, or close this window to use the OTP.',
    missing: 'Only the RoamSign extension opens this window.',
  },
};

const CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Issue 11: the RoamSign-origin popup where the extension's passkey ceremony runs (the extension's
 * own origin is not the WebAuthn RP). Static: the options come in the fragment, never to the server.
 */
export function passkeyCeremonyRoutes() {
  return new Hono()
    .get('/passkey/ceremony.js', async () => new Response(await ceremonyScript(), { headers: { 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=300' } }))
    .get('/passkey/ceremony', (c) => {
      const lang = pickLang(c.req.query('lang'));
      const t = TEXT[lang];
      return c.html(
        html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>${t.title}</title>
          <style>body{font:16px/1.5 system-ui,sans-serif;margin:1.5rem;color:#1b1b1b}button{font:inherit;padding:.6rem 1.2rem;background:#0b3d91;color:#fff;border:0;border-radius:3px}:focus-visible{outline:3px solid #f5a623}</style></head>
          <body><main><h1>${t.title}</h1><p>${t.intro}</p>
            <button type="button" id="pk-continue" autofocus>${t.go}</button>
            <p id="pk-status" role="status" aria-live="polite" data-failed="${t.failed}" data-missing="${t.missing}"></p>
          </main><script src="/passkey/ceremony.js" defer></script></body></html>`,
        200,
        { 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' },
      );
    });
}
