import { useState } from 'preact/hooks';
import { api } from './api.js';
import { text, type Lang } from './text.js';

type Platform = 'android' | 'ios' | 'web';
const PLATFORMS: Platform[] = ['android', 'ios', 'web'];

function guessPlatform(): Platform {
  const ua = navigator.userAgent;
  if (/android/i.test(ua)) return 'android';
  if (/iphone|ipad|ipod/i.test(ua)) return 'ios';
  return 'web';
}

/**
 * Step 1 of registering this device: MyKad + the profile's mobile number. The server e-mails a
 * code; `onStarted` gets its challenge and where it went.
 */
export function RegisterForm(props: { lang: Lang; onStarted: (challengeId: string, destination: string) => void; onError: (error: Error) => void }) {
  const { lang } = props;
  const [platform] = useState(guessPlatform);
  const [busy, setBusy] = useState(false);
  const defaultName = text(lang, 'defaultDeviceName', { platform: text(lang, `platform_${platform}`) });

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    setBusy(true);
    try {
      const started = await api<{ challengeId: string; destination: string }>(lang, 'POST', '/mobile/registrations', {
        nric: value('nric').replace(/[\s-]/g, ''),
        phone: value('phone'),
        platform: value('platform'),
        label: value('label') || defaultName,
      });
      props.onStarted(started.challengeId, started.destination);
    } catch (error) {
      props.onError(error as Error);
      setBusy(false);
    }
  }

  return (
    <section>
      <form id="register-form" noValidate onSubmit={submit}>
        <h2>{text(lang, 'registerTitle')}</h2>
        <p class="hint">{text(lang, 'registerHint')}</p>
        <label for="nric">{text(lang, 'nric')}</label>
        <input id="nric" name="nric" inputMode="numeric" autocomplete="off" placeholder="900101011234" required />
        <label for="phone">{text(lang, 'phone')}</label>
        <input id="phone" name="phone" type="tel" autocomplete="tel" placeholder="012-345 6789" required />
        <label for="platform">{text(lang, 'platform')}</label>
        <select id="platform" name="platform">
          {PLATFORMS.map((value) => (
            <option key={value} value={value} selected={value === platform}>
              {text(lang, `platform_${value}`)}
            </option>
          ))}
        </select>
        <label for="label">{text(lang, 'deviceName')}</label>
        <input id="label" name="label" maxLength={60} defaultValue={defaultName} />
        <button type="submit" id="register-submit" disabled={busy}>
          {text(lang, 'sendCode')}
        </button>
      </form>
    </section>
  );
}
