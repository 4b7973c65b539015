import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { text, type Lang } from './text.js';

/** Step 2: the code e-mailed to the officer activates this device; `onConfirmed` gets its secret. */
export function CodeForm(props: {
  lang: Lang;
  challengeId: string;
  destination: string;
  onConfirmed: (secret: string) => void;
  onBack: () => void;
  onError: (error: Error) => void;
}) {
  const { lang } = props;
  const [busy, setBusy] = useState(false);
  const code = useRef<HTMLInputElement>(null);
  // The form replaced the one the officer just sent: the keyboard goes on where the code is typed.
  useEffect(() => code.current?.focus(), []);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const done = await api<{ deviceId: string; secret: string }>(lang, 'POST', `/mobile/registrations/${encodeURIComponent(props.challengeId)}/confirm`, {
        code: code.current!.value.trim(),
      });
      props.onConfirmed(done.secret);
    } catch (error) {
      props.onError(error as Error);
      setBusy(false);
    }
  }

  return (
    <section>
      <form id="code-form" noValidate onSubmit={submit}>
        <h2>{text(lang, 'codeTitle')}</h2>
        <p>
          {text(lang, 'codeSentBefore')}
          <strong>{props.destination}</strong>
          {text(lang, 'codeSentAfter')}
        </p>
        <label for="code">{text(lang, 'code')}</label>
        <input ref={code} id="code" name="code" inputMode="numeric" autocomplete="one-time-code" maxLength={6} required />
        <button type="submit" id="code-submit" disabled={busy}>
          {text(lang, 'confirmCode')}
        </button>
      </form>
      <button type="button" class="secondary" onClick={props.onBack}>
        {text(lang, 'back')}
      </button>
    </section>
  );
}
