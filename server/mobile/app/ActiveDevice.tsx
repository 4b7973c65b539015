import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { api, type ApiError } from './api.js';
import { PasskeySection } from './PasskeySection.js';
import { PushCard } from './PushCard.js';
import { text, type Lang, type TextKey } from './text.js';
import { useDeviceStream } from './useDeviceStream.js';

/**
 * A registered device: its connection, the OTP pushed to it (or that it waits for one), its own
 * passkey, and removing the account from it.
 */
export function ActiveDevice(props: {
  lang: Lang;
  secret: string;
  /** An OTP arrived: it is what matters now. */
  onPush: () => void;
  /** The device is no longer registered here (removed, replaced, deactivated): why. */
  onGone: (why: TextKey) => void;
  say: (kind: 'error' | 'info', message: TextKey | Error) => void;
}) {
  const { lang, secret } = props;
  const { connection, device, shown, expire } = useDeviceStream({ secret, lang, onPush: props.onPush, onGone: props.onGone });

  async function remove() {
    if (!window.confirm(text(lang, 'removeConfirm'))) return;
    try {
      await api(lang, 'DELETE', '/mobile/device', undefined, secret);
    } catch (error) {
      // Already inactive on the server: forgetting it here is all that is left to do.
      if ((error as ApiError).code !== 'unauthorized') return props.say('error', error as Error);
    }
    props.onGone('removed');
  }

  return (
    <>
      <section>
        <p class="status" id="connection" data-state={connection.state}>
          <span class="dot" aria-hidden="true" />
          <span id="connection-text">{text(lang, connection.key)}</span>
        </p>
        <p id="device-info" class="hint">
          {device && `${device.label} · ${device.destination}${device.officer.name ? ` · ${device.officer.name}` : ''}`}
        </p>
      </section>
      {shown ? (
        <PushCard key={shown.push.pushId} lang={lang} shown={shown} onExpired={() => expire(shown.push.pushId)} />
      ) : (
        <section id="push">
          <h2>{text(lang, 'waitingTitle')}</h2>
          <p class="hint">{text(lang, 'waitingHint')}</p>
        </section>
      )}
      {browserSupportsWebAuthn() && (
        <PasskeySection lang={lang} secret={secret} onDone={() => props.say('info', 'passkeyAdded')} onError={(error) => props.say('error', error ?? 'passkeyFailed')} />
      )}
      <section>
        <button type="button" class="secondary" id="remove" onClick={remove}>
          {text(lang, 'remove')}
        </button>
      </section>
    </>
  );
}
