import { useEffect, useState } from 'preact/hooks';
import { ActiveDevice } from './ActiveDevice.js';
import { CodeForm } from './CodeForm.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { NoticeBanner } from './NoticeBanner.js';
import { RegisterForm } from './RegisterForm.js';
import { text, type Lang, type TextKey } from './text.js';
import type { Notice } from './types.js';

/** Where this device keeps its bearer secret (given once, at registration) and the chosen language. */
export const SECRET_KEY = 'roamsign.mobile.secret';
export const LANG_KEY = 'roamsign.mobile.lang';

type Screen = { name: 'register' } | { name: 'code'; challengeId: string; destination: string } | { name: 'active'; secret: string };

let notices = 0;

/**
 * GPKI Mobile: register this device (MyKad + the profile's phone, then the e-mailed code), then
 * hold the live stream open and show each OTP pushed to it.
 */
export function App(props: { secret: string | null; lang: Lang }) {
  const [lang, setLang] = useState(props.lang);
  const [screen, setScreen] = useState<Screen>(props.secret ? { name: 'active', secret: props.secret } : { name: 'register' });
  const [notice, setNotice] = useState<Notice | null>(null);

  useEffect(() => {
    document.documentElement.lang = lang;
    const tagline = document.getElementById('tagline');
    if (tagline) tagline.textContent = text(lang, 'tagline');
    localStorage.setItem(LANG_KEY, lang);
  }, [lang]);

  /** A new notice (announced anew, even with the same words). */
  const say = (kind: Notice['kind'], message: TextKey | Error) =>
    setNotice({ id: ++notices, kind, ...(typeof message === 'string' ? { key: message } : { raw: message.message }) });
  const forget = (why: TextKey) => {
    localStorage.removeItem(SECRET_KEY);
    say('info', why);
    setScreen({ name: 'register' });
  };

  return (
    <>
      <LanguageSwitch lang={lang} onSwitch={setLang} />
      {notice && <NoticeBanner key={notice.id} lang={lang} notice={notice} />}
      {screen.name === 'register' && (
        <RegisterForm
          lang={lang}
          onStarted={(challengeId, destination) => {
            setNotice(null);
            setScreen({ name: 'code', challengeId, destination });
          }}
          onError={(error) => say('error', error)}
        />
      )}
      {screen.name === 'code' && (
        <CodeForm
          lang={lang}
          challengeId={screen.challengeId}
          destination={screen.destination}
          onConfirmed={(secret) => {
            localStorage.setItem(SECRET_KEY, secret);
            say('info', 'registered');
            setScreen({ name: 'active', secret });
          }}
          onBack={() => {
            setNotice(null);
            setScreen({ name: 'register' });
          }}
          onError={(error) => say('error', error)}
        />
      )}
      {screen.name === 'active' && (
        <ActiveDevice
          lang={lang}
          secret={screen.secret}
          // The OTP is what matters now: drop a leftover "registered" banner.
          onPush={() => setNotice((current) => (current?.kind === 'info' ? null : current))}
          onGone={forget}
          say={say}
        />
      )}
    </>
  );
}
