import type { Lang } from './i18n/index.js';

/** Every time an officer or administrator reads is Malaysian time (UTC+8, no daylight saving). */
export const MALAYSIA_TIME_ZONE = 'Asia/Kuala_Lumpur';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Lang, seconds: boolean): Intl.DateTimeFormat {
  const key = `${lang}:${seconds}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'en' ? 'en-MY' : 'ms-MY', { timeZone: MALAYSIA_TIME_ZONE, dateStyle: 'medium', timeStyle: seconds ? 'medium' : 'short' });
    formats.set(key, f);
  }
  return f;
}

/**
 * The one human format of a time: "1 Dis 2026, 6:46 PG" / "1 Dec 2026, 6:46 am" (Malaysian time),
 * with seconds when asked (audit log). `zone` adds "waktu Malaysia" / "Malaysia time" for e-mails,
 * which are read away from the page.
 */
export function formatMalaysiaTime(lang: Lang, at: number | Date | null, options: { seconds?: boolean; zone?: boolean } = {}): string {
  if (at === null) return '—';
  const text = formatter(lang, options.seconds ?? false).format(at);
  return options.zone ? `${text} (${lang === 'en' ? 'Malaysia time' : 'waktu Malaysia'})` : text;
}

/** A date typed as YYYY-MM-DD is the start of that day in Malaysia. */
export function malaysiaDayStart(date: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const at = Date.parse(`${date}T00:00:00+08:00`);
  return Number.isNaN(at) ? null : at;
}
