import { startRegistration } from '@simplewebauthn/browser';
import { useRef, useState } from 'preact/hooks';
import { api, ApiError } from './api.js';
import { text, type Lang } from './text.js';

/** Issue 11: this phone's own platform passkey, to sign with PIN + passkey instead of the OTP. */
export function PasskeySection(props: { lang: Lang; secret: string; onDone: () => void; onError: (error: Error | null) => void }) {
  const { lang, secret } = props;
  const pin = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  async function add() {
    setBusy(true);
    try {
      const started = await api<{ challengeId: string; options: Parameters<typeof startRegistration>[0]['optionsJSON'] }>(lang, 'POST', '/mobile/passkeys/options', { pin: pin.current!.value.trim() }, secret);
      const credential = await startRegistration({ optionsJSON: started.options });
      await api(lang, 'POST', '/mobile/passkeys', { challengeId: started.challengeId, name: '', credential }, secret);
      pin.current!.value = '';
      props.onDone();
    } catch (error) {
      // The browser's own refusal (the officer cancelled, no authenticator) has no words for the officer: ours.
      props.onError(error instanceof ApiError ? error : null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="passkey-title">
      <h2 id="passkey-title">{text(lang, 'passkeyTitle')}</h2>
      <p class="hint">{text(lang, 'passkeyHint')}</p>
      <label for="passkey-pin">{text(lang, 'signingPin')}</label>
      <input ref={pin} id="passkey-pin" type="password" inputMode="numeric" autocomplete="off" maxLength={12} />
      <button type="button" id="passkey-add" disabled={busy} onClick={add}>
        {text(lang, 'passkeyAdd')}
      </button>
    </section>
  );
}
