import { startAuthentication } from '@simplewebauthn/browser';

// Issue 11, the extension's passkey ceremony: the extension's dialog runs in the extension's origin,
// which is not RoamSign's WebAuthn RP, so its worker opens this RoamSign-origin popup with the
// request's options in the fragment (#o=…). The officer presses the button; the assertion goes back
// in the fragment (#r=…), which only the worker that opened this window reads; then it closes.

const b64u = (text: string) => btoa(unescape(encodeURIComponent(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const unb64u = (text: string) => decodeURIComponent(escape(atob(text.replace(/-/g, '+').replace(/_/g, '/'))));

const encoded = /^#o=([A-Za-z0-9_-]+)$/.exec(location.hash)?.[1];
const button = document.getElementById('pk-continue') as HTMLButtonElement;
const status = document.getElementById('pk-status')!;
if (!encoded) {
  button.disabled = true;
  status.textContent = status.dataset.missing ?? '';
} else {
  const options = JSON.parse(unb64u(encoded)) as Parameters<typeof startAuthentication>[0]['optionsJSON'];
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const response = await startAuthentication({ optionsJSON: options });
      location.replace(`#r=${b64u(JSON.stringify(response))}`);
    } catch (error) {
      status.textContent = status.dataset.failed ?? '';
      location.replace(`#e=${error instanceof Error ? error.name : 'Error'}`);
      button.disabled = false;
    }
  });
}
