import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Lang } from '../../shared/i18n/index.js';
import { t } from '../../shared/i18n/index.js';
import type { CreatedSigningRequest } from '../../shared/schemas/signingRequest.js';
import type { DocumentSignature } from '../../shared/schemas/signingRequest.js';
import type { SystemId } from '../../shared/systems.js';
import { showDocument } from '../../shared/shownDocument.js';
import type { JobInput, WidgetErrorCode } from '../../shared/widgetProtocol.js';
import type { PasskeyOffer } from '../../shared/schemas/passkey.js';
import { DialogError, type DialogApi } from './api.js';
import { getAssertion } from './passkey.js';
import { Summary } from './Summary.js';
import { formatClock, useCountdown } from './useCountdown.js';

/** One signing job: what to sign, for which page, and how to reach the API (same-origin fetch or the extension's worker). */
export interface DialogJob {
  system: SystemId;
  input: JobInput;
  pageOrigin: string;
  /**
   * The dialog never looks up the medium: whoever opens it (frame host, extension worker) did.
   * The passkey calls exist only where the dialog runs in RoamSign's own origin (the WebAuthn RP).
   */
  api: Omit<DialogApi, 'medium' | 'passkeyOffer' | 'completePasskey'> &
    Partial<Pick<DialogApi, 'passkeyOffer' | 'completePasskey'>> & {
      /** Where the dialog is not in RoamSign's origin (the extension): who runs the ceremony instead. */
      assert?(requestId: string, options: NonNullable<PasskeyOffer['options']>): Promise<unknown>;
    };
  /** Refused before the dialog could open (the medium look-up): shown at once, nothing is created. */
  failure?: DialogError;
}

export type DialogOutcome =
  | { type: 'signed'; requestId: string; signatures: DocumentSignature[] }
  | { type: 'cancelled' }
  | { type: 'error'; code: WidgetErrorCode; message: string };

type Phase = 'entry' | 'signing' | 'verifying' | 'success' | 'fatal';

const SUCCESS_PAUSE_MS = 900;
const FATAL_CODES: WidgetErrorCode[] = ['pin_locked', 'otp_attempts_exceeded', 'request_not_pending', 'certificate_revoked', 'forbidden', 'origin_not_allowed', 'passkey_required'];

type DialogProps = { lang: Lang; job: DialogJob; onDone(outcome: DialogOutcome): void };

/**
 * The PIN + OTP dialog for one job (remount it, with a new key, for the next job). After three
 * wrong OTPs "Get a new code" remounts it too: a new request, nothing of the failed one left over.
 */
export function App(props: DialogProps) {
  const [round, setRound] = useState(0);
  return <SignDialog key={round} {...props} onRetry={() => setRound((r) => r + 1)} />;
}

function SignDialog(props: DialogProps & { onRetry(): void }) {
  const { lang, job, onDone, onRetry } = props;
  const [created, setCreated] = useState<CreatedSigningRequest | null>(null);
  const [phase, setPhase] = useState<Phase>('entry');
  const [error, setError] = useState<string | null>(null);
  const [errorCode, setErrorCode] = useState<WidgetErrorCode>('internal');
  const [info, setInfo] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [otp, setOtp] = useState('');
  // Issue 11: PIN + passkey in place of the OTP when the officer has one and policy allows it.
  const [offer, setOffer] = useState<PasskeyOffer | null>(null);
  const [usePasskey, setUsePasskey] = useState(false);
  const pinRef = useRef<HTMLInputElement>(null);
  const otpRef = useRef<HTMLInputElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  const fatalRef = useRef<HTMLButtonElement>(null);

  const { input } = job;
  // The fields the page read are shown, and exactly they are hashed, here in the dialog's own origin.
  // A batch (kelulusan pukal) shows every document, each with all its fields.
  const shown = useMemo(() => (input.kind === 'page' ? [showDocument(input.document)] : input.kind === 'pages' ? input.documents.map(showDocument) : null), [input]);
  const documents = shown ? shown.map((d) => d.document) : input.kind === 'digests' ? input.documents : [];

  const expiresIn = useCountdown(created ? Date.parse(created.expiresAt) : null);
  const resendIn = useCountdown(created ? Date.parse(created.resendAvailableAt) : null);

  function fail(err: DialogError) {
    setPhase('fatal');
    setErrorCode(err.code);
    setError(err.message);
  }

  // The form (and the focused field) is gone once the dialog fails: focus the way forward, so Enter or Escape still work.
  useEffect(() => {
    if (phase === 'fatal') fatalRef.current?.focus();
  }, [phase]);

  useEffect(() => {
    if (job.failure) {
      fail(job.failure);
      return;
    }
    if (input.kind === 'refused') {
      fail(new DialogError(input.problem, t(lang, `client.${input.problem}`, { detail: input.detail ?? '' })));
      return;
    }
    pinRef.current?.focus();
    job.api
      .create({ nric: input.nric, system: job.system, documents })
      .then(async (made) => {
        setCreated(made);
        await refreshOffer(made.id);
      })
      .catch(fail);
  }, [job]);

  /** A fresh passkey challenge (each is single use); none left: the OTP, unless policy requires a passkey. */
  async function refreshOffer(id: string): Promise<void> {
    if (!job.api.passkeyOffer) return;
    const next = await job.api.passkeyOffer(id).catch(() => null);
    setOffer(next);
    setUsePasskey(Boolean(next?.options));
    if (next?.policy === 'passkey-required' && !next.options) fail(new DialogError('passkey_required', t(lang, 'error.passkey_required')));
  }


  async function cancel() {
    if (created && phase !== 'success') await job.api.cancel(created.id).catch(() => undefined);
    onDone({ type: 'cancelled' });
  }

  function closeWithError() {
    onDone({ type: 'error', code: errorCode, message: error ?? '' });
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (!created || phase !== 'entry') return;
    setInfo(null);
    if (!/^\d{6,12}$/.test(pin)) {
      setError(t(lang, 'widget.pinFormat'));
      pinRef.current?.focus();
      return;
    }
    if (!usePasskey && !/^\d{6}$/.test(otp)) {
      setError(t(lang, 'widget.otpFormat'));
      otpRef.current?.focus();
      return;
    }
    setError(null);
    setPhase('signing');
    try {
      let result;
      if (usePasskey && offer?.options && job.api.completePasskey) {
        let credential: unknown;
        try {
          credential = await (job.api.assert ? job.api.assert(created.id, offer.options) : getAssertion(offer.options));
        } catch {
          // Cancelled on the device, or timed out: nothing was sent; a new challenge for the next try.
          throw new DialogError('cancelled', t(lang, 'widget.passkeyFailed'));
        }
        result = await job.api.completePasskey(created.id, pin, credential);
      } else result = await job.api.complete(created.id, pin, otp);
      setPin('');
      setPhase('verifying');
      if (!result.verification.valid) {
        fail(new DialogError('internal', t(lang, 'widget.invalidSignature')));
        return;
      }
      setPhase('success');
      setTimeout(() => onDone({ type: 'signed', requestId: result.id, signatures: result.signatures }), SUCCESS_PAUSE_MS);
    } catch (e) {
      const err = e as DialogError;
      const left = typeof err.details.attemptsLeft === 'number' ? ` ${t(lang, 'widget.attemptsLeft', { count: err.details.attemptsLeft })}` : '';
      // The dialog can start over itself: say so, instead of "close and press approve again".
      setError(err.code === 'otp_attempts_exceeded' ? t(lang, 'widget.otpAttemptsRetry') : err.message + left);
      if (FATAL_CODES.includes(err.code)) {
        setPhase('fatal');
        setErrorCode(err.code);
        return;
      }
      setPhase('entry');
      if (usePasskey) await refreshOffer(created.id);
      if (err.code === 'pin_invalid') {
        setPin('');
        setTimeout(() => pinRef.current?.focus(), 0);
      } else if (err.code === 'otp_invalid' || err.code === 'otp_expired') {
        setOtp('');
        setTimeout(() => otpRef.current?.focus(), 0);
      }
    }
  }

  async function resend() {
    if (!created) return;
    try {
      const next = await job.api.resend(created.id);
      setCreated(next);
      setOtp('');
      setError(null);
      // Passkey only: no code was sent, the request just has its time again.
      setInfo(t(lang, offer?.policy === 'passkey-required' ? 'widget.renewed' : 'widget.resent'));
      // In passkey mode the request's new lifetime needs a new challenge too.
      if (usePasskey) await refreshOffer(next.id);
      (usePasskey ? pinRef : otpRef).current?.focus();
    } catch (e) {
      setError((e as DialogError).message);
    }
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      void (phase === 'fatal' ? closeWithError() : cancel());
      return;
    }
    if (event.key !== 'Tab' || !dialogRef.current) return;
    // Keep Tab inside the dialog while it is open.
    const focusable = [...dialogRef.current.querySelectorAll<HTMLElement>('input:not([disabled]), button:not([disabled])')];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  const busy = phase === 'signing' || phase === 'verifying';
  const expired = created !== null && expiresIn === 0;

  // What is signed scrolls; the PIN and OTP fields and the actions below it stay in view (issue 23:
  // on SPEKS' 560 px frame they fell below the fold). The Sign button reaches its form by the form attribute.
  const actions =
    phase === 'success' ? null : phase === 'fatal' ? (
      <>
        {errorCode === 'otp_attempts_exceeded' && (
          <button type="button" class="primary" id="rs-retry" onClick={onRetry} ref={fatalRef}>
            {t(lang, 'widget.retry')}
          </button>
        )}
        <button type="button" onClick={closeWithError} ref={errorCode === 'otp_attempts_exceeded' ? undefined : fatalRef}>
          {t(lang, 'widget.close')}
        </button>
      </>
    ) : (
      <>
        {/* Sign and Cancel first: on a 360 px screen they share the first row, the other choices wrap below. */}
        <button type="submit" form="rs-form" class="primary" id="rs-sign" disabled={busy || !created || expired}>
          {t(lang, usePasskey ? 'widget.passkey' : 'widget.sign')}
        </button>
        <button type="button" id="rs-cancel" onClick={cancel} disabled={busy}>
          {t(lang, 'widget.cancel')}
        </button>
        {usePasskey ? (
          <>
            {offer?.policy !== 'passkey-required' && (
              <button type="button" id="rs-use-otp" onClick={() => setUsePasskey(false)} disabled={busy}>
                {t(lang, 'widget.useOtp')}
              </button>
            )}
          </>
        ) : (
          offer?.options && (
            <button type="button" id="rs-use-passkey" onClick={() => setUsePasskey(true)} disabled={busy}>
              {t(lang, 'widget.usePasskey')}
            </button>
          )
        )}
      </>
    );

  return (
    <div class="backdrop">
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="rs-title" aria-describedby="rs-sent" ref={dialogRef} onKeyDown={onKeyDown}>
        <h1 id="rs-title">{t(lang, input.kind === 'refused' ? 'widget.refused' : 'widget.title')}</h1>
        {input.kind !== 'refused' && (
          <div class="body">
            <Summary lang={lang} documents={documents} shown={shown?.map((d) => d.rows) ?? null} pageOrigin={job.pageOrigin} verificationCode={created?.verificationCode ?? null} />
          </div>
        )}
        {phase === 'success' ? (
          <div class="success" role="status" id="rs-success">
            <p class="big">✓ {t(lang, 'widget.success')}</p>
            <p>{t(lang, 'widget.successDetail')}</p>
          </div>
        ) : phase === 'fatal' ? (
          <p class="error" role="alert" id="rs-error">{error}</p>
        ) : (
          <form id="rs-form" onSubmit={submit} noValidate>
            <p id="rs-sent" aria-live="polite">
              {!created
                ? t(lang, 'widget.preparing')
                : usePasskey
                  ? t(lang, 'widget.passkeyHint')
                  : t(lang, created.channel === 'push' ? 'widget.sentTo.push' : 'widget.sentTo.email', { destination: created.destination })}
            </p>
            {/* PIN and OTP side by side where the dialog is wide enough: the form stays low, so what is signed has room above it. */}
            <div class="pair">
              <div>
                <label for="rs-pin">{t(lang, 'widget.pin')}</label>
                <input
                  id="rs-pin"
                  ref={pinRef}
                  type="password"
                  inputMode="numeric"
                  autoComplete="off"
                  maxLength={12}
                  value={pin}
                  disabled={busy}
                  onInput={(e) => setPin((e.currentTarget as HTMLInputElement).value.replace(/\D/g, ''))}
                  aria-invalid={error !== null && error.length > 0 ? 'true' : 'false'}
                  aria-describedby="rs-error"
                />
              </div>
              {!usePasskey && (
                <div>
                  <label for="rs-otp">{t(lang, 'widget.otp')}</label>
                  <input
                    id="rs-otp"
                    ref={otpRef}
                    type="text"
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    maxLength={6}
                    value={otp}
                    disabled={busy}
                    onInput={(e) => setOtp((e.currentTarget as HTMLInputElement).value.replace(/\D/g, ''))}
                    aria-describedby="rs-error"
                  />
                </div>
              )}
            </div>
            {created && (
              <div class="otpline">
                <p class="countdown" role="timer" aria-live="off" id="rs-countdown">
                  {expired ? t(lang, 'widget.expired') : `${t(lang, 'widget.countdown')} ${formatClock(expiresIn)}`}
                </p>
                {/* A new code (OTP), or in passkey mode a new lifetime for a request that ran out of time. */}
                {(!usePasskey || expired) && (
                  <button type="button" class="link" id="rs-resend" onClick={resend} disabled={busy || (!usePasskey && resendIn > 0)}>
                    {!usePasskey && resendIn > 0 ? t(lang, 'widget.resendIn', { seconds: resendIn }) : t(lang, 'widget.resend')}
                  </button>
                )}
              </div>
            )}
            <p class="error" role="alert" id="rs-error">{error ?? ''}</p>
            {info && <p class="info" role="status">{info}</p>}
            {busy && (
              <p class="info" role="status" id="rs-progress">
                {t(lang, phase === 'signing' ? 'widget.signing' : 'widget.verifying')}
              </p>
            )}
          </form>
        )}
        {actions && <div class="actions">{actions}</div>}
      </div>
    </div>
  );
}
