/**
 * GPKI Mobile (web app, /mobile): Preact components (App.tsx) rendered into the page shell
 * (server/mobile/page.ts), bundled by server/mobile/bundle.ts.
 */
import { render } from 'preact';
import { App, LANG_KEY, SECRET_KEY } from './App.js';

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/mobile/sw.js', { scope: '/mobile' }).catch(() => undefined);
}

const root = document.getElementById('app')!;
root.replaceChildren();
// Bahasa Malaysia unless the officer switched to English on this device.
render(<App secret={localStorage.getItem(SECRET_KEY)} lang={localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'ms'} />, root);
