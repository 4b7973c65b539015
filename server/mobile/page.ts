/**
 * The GPKI Mobile web app shell: one static page (so the service worker can cache it), its
 * manifest, icon and service worker. Everything dynamic is done by /mobile/app.js (app/main.tsx,
 * Preact), which also sets the page's language (Bahasa Malaysia first, English one switch away).
 */

/** Files the service worker keeps for offline start; bump the version when the shell changes. */
export const SHELL_CACHE = 'gpki-mobile-v2';
export const SHELL_FILES = ['/mobile', '/mobile/app.js', '/mobile/manifest.webmanifest', '/mobile/icon.svg'];

/** CSP of the page: only our own script, API and worker. */
export const MOBILE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function mobilePage(): string {
  return `<!doctype html>
<html lang="ms">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#0b3d6e">
<title>GPKI Mobile — RoamSign</title>
<link rel="manifest" href="/mobile/manifest.webmanifest">
<link rel="icon" href="/mobile/icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="/mobile/icon.svg">
<style>
  :root { color-scheme: light; --blue: #0b3d6e; --grey: #5b6470; --red: #a4161a; --green: #1b7f3b; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 18px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f3f5f8; color: #111; }
  header { background: var(--blue); color: #fff; padding: 1rem 1.25rem; }
  header h1 { margin: 0; font-size: 1.3rem; }
  header p { margin: .1rem 0 0; opacity: .85; font-size: .95rem; }
  main { padding: 1rem 1.25rem 3rem; max-width: 34rem; margin: 0 auto; }
  section { background: #fff; border-radius: 12px; padding: 1.1rem 1.2rem; margin: 0 0 1rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  h2 { font-size: 1.15rem; margin: 0 0 .6rem; }
  label { display: block; font-weight: 600; margin: .8rem 0 .25rem; }
  input, select { width: 100%; font: inherit; padding: .7rem .8rem; border: 1px solid #9aa3ad; border-radius: 8px; background: #fff; }
  input:focus, select:focus, button:focus { outline: 3px solid #7fb3ff; outline-offset: 1px; }
  button { font: inherit; font-weight: 600; padding: .8rem 1rem; border-radius: 8px; border: 0; background: var(--blue); color: #fff; width: 100%; margin-top: 1rem; cursor: pointer; }
  button.secondary { background: #fff; color: var(--red); border: 2px solid var(--red); }
  button[disabled] { opacity: .6; }
  .hint { color: var(--grey); font-size: .9rem; margin: .25rem 0 0; }
  .notice { padding: .8rem 1rem; border-radius: 8px; margin: 0 0 1rem; }
  .notice.error { background: #fde8e8; color: var(--red); }
  .notice.info { background: #e6f0fb; color: var(--blue); }
  .status { display: flex; align-items: center; gap: .5rem; font-size: .95rem; color: var(--grey); }
  .dot { width: .7rem; height: .7rem; border-radius: 50%; background: #c9a227; }
  .status[data-state="connected"] .dot { background: var(--green); }
  .status[data-state="offline"] .dot { background: var(--red); }
  .otp { font: 700 3rem/1.1 ui-monospace, "SFMono-Regular", Menlo, monospace; letter-spacing: .18em; text-align: center; margin: .6rem 0; color: var(--blue); }
  .expired .otp { color: #aaa; text-decoration: line-through; }
  .countdown { text-align: center; font-size: 1.3rem; font-weight: 600; }
  .expired .countdown { color: var(--red); }
  .vcode { text-align: center; font-size: 1.05rem; }
  .vcode strong { font-size: 1.4rem; letter-spacing: .1em; }
  ul.docs { padding-left: 1.1rem; margin: .3rem 0; }
  ul.docs li { margin: .2rem 0; }
  .amount { font-weight: 700; }
  .otp-label { text-align: center; margin: 1rem 0 0; }
  .lang { text-align: right; margin: 0 0 .5rem; }
  button.link { width: auto; margin: 0; padding: .4rem .2rem; background: none; color: var(--blue); text-decoration: underline; font-weight: 600; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<header><h1>GPKI Mobile</h1><p id="tagline">Terima OTP tandatangan RoamSign</p></header>
<main id="app" aria-live="polite"><p>Memuatkan…</p></main>
<noscript><p>Aplikasi ini memerlukan JavaScript.</p></noscript>
<script src="/mobile/app.js" defer></script>
</body>
</html>`;
}

export function mobileManifest(): string {
  return JSON.stringify({
    name: 'GPKI Mobile — RoamSign',
    short_name: 'GPKI Mobile',
    description: 'Terima OTP untuk tandatangan digital RoamSign.',
    lang: 'ms',
    start_url: '/mobile',
    scope: '/mobile',
    display: 'standalone',
    background_color: '#f3f5f8',
    theme_color: '#0b3d6e',
    icons: [
      { src: '/mobile/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
      { src: '/mobile/icon.svg', sizes: '512x512', type: 'image/svg+xml', purpose: 'maskable' },
    ],
  });
}

export function mobileIcon(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">
<rect width="512" height="512" rx="96" fill="#0b3d6e"/>
<rect x="156" y="84" width="200" height="344" rx="28" fill="#fff"/>
<rect x="180" y="130" width="152" height="230" rx="8" fill="#e6f0fb"/>
<text x="256" y="262" font-family="monospace" font-size="54" font-weight="700" text-anchor="middle" fill="#0b3d6e">OTP</text>
<circle cx="256" cy="394" r="14" fill="#0b3d6e"/>
</svg>`;
}

/**
 * Installable and starts offline: the shell is cached at install and served network-first;
 * the API (and its live stream) is never cached or intercepted.
 */
export function mobileServiceWorker(): string {
  return `const CACHE = ${JSON.stringify(SHELL_CACHE)};
const SHELL = ${JSON.stringify(SHELL_FILES)};
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()),
  );
});
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !SHELL.includes(url.pathname)) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request).then((hit) => hit || Response.error())),
  );
});
`;
}
