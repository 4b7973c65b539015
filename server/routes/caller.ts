import type { Context } from 'hono';
import { pickLang, type Lang } from '../../shared/i18n/index.js';
import type { Caller } from '../signing/signingService.js';

export function langOf(c: Context): Lang {
  return pickLang(c.req.header('accept-language'));
}

/** The browser origin (from the browser's own Origin header) and the caller's language. */
export function callerOf(c: Context): Caller {
  return { origin: c.req.header('origin') ?? null, lang: langOf(c) };
}
