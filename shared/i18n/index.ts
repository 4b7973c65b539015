import { en } from './en.js';
import { ms, type MessageKey, type Messages } from './ms.js';

export type Lang = 'ms' | 'en';
export type { MessageKey, Messages };

const catalogues: Record<Lang, Messages> = { ms, en };

/** Picks the language: English only when asked for; Bahasa Malaysia otherwise. */
export function pickLang(value: string | null | undefined): Lang {
  return value && /^\s*en\b/i.test(value) ? 'en' : 'ms';
}

/** The message for `key` with `{name}` placeholders filled. */
export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogues[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
