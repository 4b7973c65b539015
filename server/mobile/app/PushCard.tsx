import { useEffect, useState } from 'preact/hooks';
import { formatAmount } from '../../../shared/money.js';
import { text, type Lang } from './text.js';
import type { ShownPush } from './useDeviceStream.js';

/** Documents listed on the phone; a longer batch says how many more. */
const LISTED = 10;

/** Whole seconds until `deadline`, once a second, stopping at 0 or when `running` turns false. */
function useSecondsLeft(deadline: number, running: boolean): number {
  const left = () => Math.max(0, Math.round((deadline - Date.now()) / 1000));
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      setSeconds(left());
      if (left() === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [deadline, running]);
  return seconds;
}

/**
 * The OTP pushed for a signing request: what is being signed, the verification code, the OTP and
 * its countdown. A used, dead or expired OTP does not stay on screen to be typed by mistake.
 */
export function PushCard(props: { lang: Lang; shown: ShownPush; onExpired: () => void }) {
  const { lang, shown } = props;
  const { push, ended } = shown;
  const seconds = useSecondsLeft(shown.deadline, ended === null);
  useEffect(() => {
    if (seconds === 0 && ended === null) props.onExpired();
  }, [seconds, ended]);

  const count = push.documentCount ?? push.documents.length;
  const reason = ended && text(lang, `ended_${ended}`);
  return (
    <section id="push" class={ended ? 'expired' : undefined}>
      <h2>{`${text(lang, 'requestTitle')}${push.systemName ? ` — ${push.systemName}` : ''}`}</h2>
      {count > 1 && <p>{text(lang, push.total ? 'batchTotal' : 'batch', { count, total: push.total ?? '' })}</p>}
      {push.documents.length ? (
        <ul class="docs" id="documents">
          {push.documents.slice(0, LISTED).map((d) => (
            <li key={d.id}>
              <strong>{d.id}</strong>
              {d.title ? ` — ${d.title}` : ''}
              {d.amount ? (
                <span>
                  , <span class="amount">{formatAmount(d.amount, d.currency ?? undefined)}</span>
                </span>
              ) : (
                ''
              )}
              {d.payee ? `, ${d.payee}` : ''}
            </li>
          ))}
          {count > LISTED && <li>{text(lang, 'more', { count: count - LISTED })}</li>}
        </ul>
      ) : (
        <pre>{push.text}</pre>
      )}
      {push.verificationCode && (
        <p class="vcode">
          {text(lang, 'verificationCode')}
          <strong id="verification-code">{push.verificationCode}</strong>
        </p>
      )}
      <p class="hint otp-label">{text(lang, 'yourOtp')}</p>
      <p class="otp" id="otp" aria-label={reason ? `OTP: ${reason}` : `OTP ${(push.otp ?? '').split('').join(' ')}`}>
        {reason ? '— — —' : (push.otp ?? '—')}
      </p>
      <p class="countdown" id="countdown" role="timer">
        {reason ?? text(lang, 'validFor', { time: `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}` })}
      </p>
      <p class="hint">{text(lang, 'doNotShare')}</p>
    </section>
  );
}
