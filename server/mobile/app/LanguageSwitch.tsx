import { text, type Lang } from './text.js';

/** Bahasa Malaysia first, English one switch away: the button names the other language, in that language. */
export function LanguageSwitch(props: { lang: Lang; onSwitch: (lang: Lang) => void }) {
  const other: Lang = props.lang === 'ms' ? 'en' : 'ms';
  return (
    <div class="lang">
      <button type="button" class="link" id="lang-switch" lang={other} onClick={() => props.onSwitch(other)}>
        {text(props.lang, 'switchTo')}
      </button>
    </div>
  );
}
