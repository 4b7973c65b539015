import { useEffect, useRef, useState } from 'preact/hooks';
import type { Lang } from '../../shared/i18n/index.js';
import { t } from '../../shared/i18n/index.js';
import type { CreatedSigningRequest } from '../../shared/schemas/signingRequest.js';
import { SYSTEMS, type SystemId } from '../../shared/systems.js';
import type { FrameMessage, LoaderMessage, SignDocument } from '../../shared/widgetProtocol.js';
import { createApi, DialogError, type DialogApi } from './api.js';
import { Summary } from './Summary.js';
import { formatClock, useCountdown } from './useCountdown.js';

interface Job {
  ticket: number;
  nric: string;
  system: SystemId;
  documents: SignDocument[];
  pageOrigin: string;
  api: DialogApi;
}

type Phase = 'entry' | 'signing' | 'verifying' | 'success' | 'fatal';

/** Only well-formed sign messages from the parent page are acted on (web-eid's habit: distrust every boundary). */
function parseSign(data: unknown): Extract<LoaderMessage, { type: 'roamsign:sign' }> | null {
  const m = data as Partial<Extract<LoaderMessage, { type: 'roamsign:sign' }>> | null;
  if (!m || m.type !== 'roamsign:sign' || typeof m.ticket !== 'number' || typeof m.nric !== 'string') return null;
  if (!SYSTEMS.includes(m.system as SystemId) || !Array.isArray(m.documents) || m.documents.length === 0) return null;
  const ok = m.documents.every((d) => d && typeof d.id === 'string' && typeof d.digest === 'string');
  return ok ? (m as Extract<LoaderMessage, { type: 'roamsign:sign' }>) : null;
}

const SUCCESS_PAUSE_MS = 900;

export function App(props: { lang: Lang }) {
  const { lang } = props;
  const [job, setJob] = useState<Job | null>(null);
  const [created, setCreated] = useState<CreatedSigningRequest | null>(null);
  const [phase, setPhase] = useState<Phase>('entry');
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [otp, setOtp] = useState('');
  const pinRef = useRef<HTMLInputElement>(null);
  const otpRef = useRef<HTMLInputElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  const jobRef = useRef<Job | null>(null);
  jobRef.current = job;

  const expiresIn = useCountdown(created ? Date.parse(created.expiresAt) : null);
  const resendIn = useCountdown(created ? Date.parse(created.resendAvailableAt) : null);

  function post(message: FrameMessage, to: Job) {
    window.parent.postMessage(message, to.pageOrigin);
  }

  function finish(message: FrameMessage, to: Job) {
    post(message, to);
    setJob(null);
    setCreated(null);
    setPin('');
    setOtp('');
    setError(null);
    setInfo(null);
  }

  async function start(message: Extract<LoaderMessage, { type: 'roamsign:sign' }>, pageOrigin: string) {
    const next: Job = { ...message, pageOrigin, api: createApi({ pageOrigin, lang }) };
    try {
      const medium = await next.api.medium(next.nric);
      if (medium.preferred !== 'roaming') {
        post({ type: 'roamsign:token', ticket: next.ticket }, next);
        return;
      }
    } catch (e) {
      const err = e instanceof DialogError ? e : new DialogError('internal', t(lang, 'error.internal'));
      post({ type: 'roamsign:error', ticket: next.ticket, code: err.code, message: err.message }, next);
      return;
    }
    setPhase('entry');
    setError(null);
    setInfo(null);
    setCreated(null);
    setPin('');
    setOtp('');
    setJob(next);
    post({ type: 'roamsign:open', ticket: next.ticket }, next);
    try {
      setCreated(await next.api.create({ nric: next.nric, system: next.system, documents: next.documents }));
    } catch (e) {
      const err = e as DialogError;
      setPhase('fatal');
      setError(err.message);
    }
  }

  useEffect(() => {
    function onMessage(event: MessageEvent) {
      if (event.source !== window.parent || event.origin === 'null') return;
      if ((event.data as { type?: string } | null)?.type === 'roamsign:ping') {
        window.parent.postMessage({ type: 'roamsign:ready' } satisfies FrameMessage, event.origin);
        return;
      }
      const message = parseSign(event.data);
      if (message && !jobRef.current) void start(message, event.origin);
    }
    window.addEventListener('message', onMessage);
    // The page may have pinged before this listener existed: announce readiness (no data, so any origin may hear it).
    window.parent.postMessage({ type: 'roamsign:ready' } satisfies FrameMessage, '*');
    return () => window.removeEventListener('message', onMessage);
  }, []);

  useEffect(() => {
    if (job && phase === 'entry') pinRef.current?.focus();
  }, [job]);

  if (!job) return null;

  async function cancel() {
    const current = jobRef.current;
    if (!current) return;
    if (created && phase !== 'success') await current.api.cancel(created.id).catch(() => undefined);
    finish({ type: 'roamsign:cancelled', ticket: current.ticket }, current);
  }

  function closeWithError() {
    const current = jobRef.current;
    if (!current) return;
    finish({ type: 'roamsign:error', ticket: current.ticket, code: 'request_not_pending', message: error ?? '' }, current);
  }

  async function submit(event: Event) {
    event.preventDefault();
    const current = jobRef.current;
    if (!current || !created || phase !== 'entry') return;
    setInfo(null);
    if (!/^\d{6,12}$/.test(pin)) {
      setError(t(lang, 'widget.pinFormat'));
      pinRef.current?.focus();
      return;
    }
    if (!/^\d{6}$/.test(otp)) {
      setError(t(lang, 'widget.otpFormat'));
      otpRef.current?.focus();
      return;
    }
    setError(null);
    setPhase('signing');
    try {
      const result = await current.api.complete(created.id, pin, otp);
      setPin('');
      setPhase('verifying');
      if (!result.verification.valid) {
        setPhase('fatal');
        setError(t(lang, 'widget.invalidSignature'));
        return;
      }
      setPhase('success');
      setTimeout(() => finish({ type: 'roamsign:signed', ticket: current.ticket, requestId: result.id, signatures: result.signatures }, current), SUCCESS_PAUSE_MS);
    } catch (e) {
      const err = e as DialogError;
      const left = typeof err.details.attemptsLeft === 'number' ? ` ${t(lang, 'widget.attemptsLeft', { count: err.details.attemptsLeft })}` : '';
      setError(err.message + left);
      if (['pin_locked', 'otp_attempts_exceeded', 'request_not_pending', 'certificate_revoked', 'forbidden', 'origin_not_allowed'].includes(err.code)) {
        setPhase('fatal');
        return;
      }
      setPhase('entry');
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
    const current = jobRef.current;
    if (!current || !created) return;
    try {
      const next = await current.api.resend(created.id);
      setCreated(next);
      setOtp('');
      setError(null);
      setInfo(t(lang, 'widget.resent'));
      otpRef.current?.focus();
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

  return (
    <div class="backdrop">
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="rs-title" aria-describedby="rs-sent" ref={dialogRef} onKeyDown={onKeyDown}>
        <h1 id="rs-title">{t(lang, 'widget.title')}</h1>
        <Summary lang={lang} documents={job.documents} pageOrigin={job.pageOrigin} verificationCode={created?.verificationCode ?? null} />

        {phase === 'success' ? (
          <div class="success" role="status" id="rs-success">
            <p class="big">✓ {t(lang, 'widget.success')}</p>
            <p>{t(lang, 'widget.successDetail')}</p>
          </div>
        ) : phase === 'fatal' ? (
          <div>
            <p class="error" role="alert" id="rs-error">{error}</p>
            <div class="actions">
              <button type="button" onClick={closeWithError} autoFocus>
                {t(lang, 'widget.close')}
              </button>
            </div>
          </div>
        ) : (
          <form onSubmit={submit} noValidate>
            <p id="rs-sent" aria-live="polite">
              {created ? t(lang, created.channel === 'push' ? 'widget.sentTo.push' : 'widget.sentTo.email', { destination: created.destination }) : t(lang, 'widget.preparing')}
            </p>
            {created && (
              <p class="countdown" role="timer" aria-live="off" id="rs-countdown">
                {expired ? t(lang, 'widget.expired') : `${t(lang, 'widget.countdown')} ${formatClock(expiresIn)}`}
              </p>
            )}
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
            <p class="error" role="alert" id="rs-error">{error ?? ''}</p>
            {info && <p class="info" role="status">{info}</p>}
            {busy && (
              <p class="info" role="status" id="rs-progress">
                {t(lang, phase === 'signing' ? 'widget.signing' : 'widget.verifying')}
              </p>
            )}
            <div class="actions">
              <button type="submit" class="primary" id="rs-sign" disabled={busy || !created || expired}>
                {t(lang, 'widget.sign')}
              </button>
              <button type="button" id="rs-resend" onClick={resend} disabled={busy || !created || resendIn > 0}>
                {resendIn > 0 ? t(lang, 'widget.resendIn', { seconds: resendIn }) : t(lang, 'widget.resend')}
              </button>
              <button type="button" id="rs-cancel" onClick={cancel} disabled={busy}>
                {t(lang, 'widget.cancel')}
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
