import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { badInputFromDatabase } from '../db/dataException.js';
import { retryAfterOf } from '../limits/refuseSpent.js';
import { RoamSignError } from '../../shared/errors.js';
import type { Lang } from '../../shared/i18n/index.js';
import { formatMalaysiaTime } from '../../shared/time.js';
import { bufferBodyWithin } from '../http/bodyLimit.js';
import type { Logger } from '../log.js';
import { readForm, type FormFields } from './readForm.js';
import type { PortalDeps } from './deps.js';
import { cookieIsSecure, createSessionStore, sameSecret, SESSION_ABSOLUTE_MS, SESSION_COOKIE, sessionCookieFor, sessionCookieOf, type Session, type SessionStore, type SubjectType } from './sessions.js';
import { errorLines, tx, type TextKey } from './text.js';

// HTTP plumbing shared by the officer and administrator portals: language, sessions, CSRF, pages.

export type PortalEnv = { Variables: { lang: Lang; session: Session | null; form: FormFields } };
export type PortalContext = Context<PortalEnv>;
type Html = HtmlEscapedString | Promise<HtmlEscapedString> | string;

const LANG_COOKIE = 'rs_lang';
export const MAX_FORM_BYTES = 2 * 1024 * 1024;

export interface PortalKit {
  store: SessionStore;
  origin: string;
  secure: boolean;
}

export function portalKit(deps: Pick<PortalDeps, 'db' | 'now' | 'config'>): PortalKit {
  return {
    store: createSessionStore(deps.db, deps.now),
    origin: new URL(deps.config.publicUrl).origin,
    secure: cookieIsSecure(deps.config.publicUrl),
  };
}

/**
 * Every portal request: language (?lang=en switches and is remembered), security headers, the
 * session behind the cookie, and for POSTs the Origin check (the server's own origin only).
 */
export function base(kit: PortalKit): MiddlewareHandler<PortalEnv> {
  return async (c, next) => {
    const asked = c.req.query('lang');
    let lang: Lang = getCookie(c, LANG_COOKIE) === 'en' ? 'en' : 'ms';
    if (asked === 'en' || asked === 'ms') {
      lang = asked;
      setCookie(c, LANG_COOKIE, lang, { path: '/', sameSite: 'Lax', secure: kit.secure, maxAge: 365 * 24 * 3600 });
    }
    c.set('lang', lang);
    if (c.req.method === 'POST') {
      // Browsers send Origin on every form POST; a missing one falls back to the Referer.
      const origin = c.req.header('origin') ?? refererOrigin(c.req.header('referer'));
      if (origin !== kit.origin) throw new RoamSignError('forbidden', { reason: 'origin' });
      // Counted as it streams, with or without Content-Length (the app leaves /portal/ bodies to us).
      await bufferBodyWithin(c, MAX_FORM_BYTES);
      c.set('form', await readForm(c.req.raw));
    } else c.set('form', {});
    c.set('session', await kit.store.read(getCookie(c, sessionCookieOf(c.req.path))));
    c.header('Cache-Control', 'no-store');
    c.header('X-Frame-Options', 'DENY');
    c.header('X-Content-Type-Options', 'nosniff');
    // Not no-referrer: under it Chromium sends `Origin: null` on the portal's own form POSTs, which
    // the Origin check above must refuse. same-origin keeps the Origin and never leaks a URL off-site.
    c.header('Referrer-Policy', 'same-origin');
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    await next();
  };
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * Pages behind a sign-in: no session sends a GET to the sign-in page and refuses a POST (401);
 * every POST must carry the session's CSRF token in `_csrf` (403 when missing or wrong).
 */
export function requireSession(type: SubjectType, signInPath: string): MiddlewareHandler<PortalEnv> {
  return async (c, next) => {
    const session = c.get('session');
    if (!session || session.subjectType !== type) {
      if (c.req.method === 'GET') return c.redirect(`${signInPath}?ended=1`, 303);
      throw new RoamSignError('unauthorized');
    }
    if (c.req.method === 'POST') {
      const token = c.get('form')._csrf;
      if (typeof token !== 'string' || !sameSecret(token, session.csrfToken)) throw new RoamSignError('forbidden', { reason: 'csrf' });
    }
    await next();
  };
}

/** A signed-in session: the fresh cookie replaces (and ends) whatever the browser had. */
export async function startSession(kit: PortalKit, c: PortalContext, type: SubjectType, subjectId: string): Promise<void> {
  const { name, path } = sessionCookieFor(type);
  const { cookie } = await kit.store.start(type, subjectId, getCookie(c, name));
  setCookie(c, name, cookie, { httpOnly: true, secure: kit.secure, sameSite: 'Strict', path, maxAge: SESSION_ABSOLUTE_MS / 1000 });
}

export async function endSession(kit: PortalKit, c: PortalContext): Promise<void> {
  const name = sessionCookieOf(c.req.path);
  const { path } = sessionCookieFor(name === SESSION_COOKIE ? 'officer' : 'admin');
  await kit.store.end(getCookie(c, name));
  deleteCookie(c, name, { path, secure: kit.secure, httpOnly: true, sameSite: 'Strict' });
}

/** A text field of the posted form ('' when absent or a file). */
export function field(c: PortalContext, name: string): string {
  const value = c.get('form')[name];
  return typeof value === 'string' ? value : '';
}

// ---- HTML ------------------------------------------------------------------------------------

export function hidden(name: string, value: string) {
  return html`<input type="hidden" name="${name}" value="${value}" />`;
}

export function csrf(c: PortalContext) {
  return hidden('_csrf', c.get('session')?.csrfToken ?? '');
}

export interface InputOptions {
  type?: string;
  value?: string;
  required?: boolean;
  autocomplete?: string;
  inputmode?: string;
  pattern?: string;
  hint?: string;
  maxlength?: number;
  /** Element id, when the same field name appears in more than one form on a page. */
  id?: string;
  /** This field's error, shown next to it and tied to it (aria-describedby, aria-invalid). */
  error?: string;
}

/** The ids that describe a field: its hint and its error. */
function describedBy(id: string, hint?: string, error?: string) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids ? html`aria-describedby="${ids}"${error ? raw(' aria-invalid="true"') : ''}` : '';
}

function fieldError(id: string, error?: string) {
  return error ? html`<small id="${id}-error" class="field-error">${error}</small>` : '';
}

/** A labelled input; the hint is tied to it with aria-describedby. */
export function input(label: string, name: string, o: InputOptions = {}) {
  const id = o.id ?? `f-${name}`;
  return html`<p>
    <label for="${id}">${label}</label>
    <input id="${id}" name="${name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}" ${o.required === false ? '' : raw('required')}
      ${o.autocomplete ? html`autocomplete="${o.autocomplete}"` : ''} ${o.inputmode ? html`inputmode="${o.inputmode}"` : ''}
      ${o.pattern ? html`pattern="${o.pattern}"` : ''} ${o.maxlength ? html`maxlength="${String(o.maxlength)}"` : ''}
      ${describedBy(id, o.hint, o.error)} />
    ${o.hint ? html`<small id="${id}-hint">${o.hint}</small>` : ''}${fieldError(id, o.error)}
  </p>`;
}

export function select(label: string, name: string, options: { value: string; label: string }[], selected = '', id = `f-${name}`, error?: string) {
  return html`<p>
    <label for="${id}">${label}</label>
    <select id="${id}" name="${name}" required ${describedBy(id, undefined, error)}>
      ${options.map((o) => html`<option value="${o.value}" ${o.value === selected ? raw('selected') : ''}>${o.label}</option>`)}
    </select>${fieldError(id, error)}
  </p>`;
}

/** `error` as an InputOptions part, or nothing when the field has none. */
export function errorOpt(error: string | undefined): { error?: string } {
  return error ? { error } : {};
}

/**
 * The summary at the top of a refused form. `targets[i]`, when given, is the id of the field line i
 * is about: the line becomes a link to it, so the summary leads to where to correct.
 */
export function errorBox(lines: string[], targets: readonly (string | undefined)[] = []) {
  if (!lines.length) return '';
  const line = (l: string, i: number) => (targets[i] ? html`<a href="#${targets[i]}">${l}</a>` : l);
  return html`<div class="error" role="alert"><p><strong>${line(lines[0]!, 0)}</strong></p>${lines.length > 1 ? html`<ul>${lines.slice(1).map((l, i) => html`<li>${line(l, i + 1)}</li>`)}</ul>` : ''}</div>`;
}

export function notice(text: string | null) {
  return text ? html`<div class="ok" role="status"><p>${text}</p></div>` : '';
}

/** `?ok=<key>` after a redirect shows that key's sentence. */
export function okNotice(c: PortalContext) {
  const key = c.req.query('ok');
  return key && /^[a-z_]+$/.test(key) ? notice(safeTx(c.get('lang'), `ok_${key}`)) : '';
}

function safeTx(lang: Lang, key: string): string | null {
  try {
    return tx(lang, key as TextKey) ?? null;
  } catch {
    return null;
  }
}

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{background:#0b3d91;color:#fff;padding:.75rem 1.5rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}header .brand{font-weight:700;text-decoration:none;margin-right:auto}
header form{margin:0}header button{background:none;border:1px solid #fff;color:#fff;padding:.25rem .75rem;cursor:pointer}
main{max-width:60rem;margin:1.5rem auto;padding:0 1.5rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem}
label{display:block;font-weight:600}input,select,textarea{font:inherit;padding:.4rem;min-width:18rem;max-width:100%;border:1px solid #666;border-radius:3px}
input[type=checkbox]{min-width:0}small{display:block;color:#444}
button{font:inherit;padding:.5rem 1rem;background:#0b3d91;color:#fff;border:0;border-radius:3px;cursor:pointer}
button.secondary{background:#555}:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.field-error{color:#b00020;font-weight:600}[aria-invalid=true]{border-color:#b00020}
.error{border-left:4px solid #b00020;background:#fdecee;padding:.5rem 1rem;margin:1rem 0}
.ok{border-left:4px solid #1b7f3a;background:#e8f5ec;padding:.5rem 1rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
section{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.5rem 1.25rem;margin:1rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
form.inline{display:inline}nav ul{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}
.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}.filters input,.filters select{min-width:10rem}
.pager{display:flex;gap:1rem;align-items:center}.danger{background:#b00020}main.wide{max-width:80rem}`;

/** The page shell: skip link, language switch, sign-out when signed in, main landmark. */
export function page(c: PortalContext, title: string, body: Html, options: { admin?: boolean } = {}) {
  const lang = c.get('lang');
  const other: Lang = lang === 'en' ? 'ms' : 'en';
  const session = c.get('session');
  const home = options.admin ? '/portal/admin' : '/portal';
  const signOut = options.admin ? '/portal/admin/sign-out' : '/portal/sign-out';
  const signedIn = session && (session.subjectType === 'admin') === Boolean(options.admin);
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} — ${tx(lang, options.admin ? 'adminTitle' : 'portalTitle')}</title>
        <style>${raw(STYLE)}</style>
      </head>
      <body>
        <a class="skip" href="#main">${tx(lang, 'skip')}</a>
        <header>
          <a class="brand" href="${home}">${tx(lang, options.admin ? 'adminTitle' : 'portalTitle')}</a>
          <a href="?lang=${other}" hreflang="${other}" lang="${other}">${other === 'en' ? 'English' : 'Bahasa Malaysia'}</a>
          ${signedIn ? html`<form method="post" action="${signOut}">${csrf(c)}<button type="submit">${tx(lang, 'signOut')}</button></form>` : ''}
        </header>
        <main id="main">
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`;
}

/** Error pages of the portal: the error in words with its HTTP status (never a stack or a secret). */
export function portalErrorHandler(admin: boolean, log: Logger) {
  return (thrown: Error, c: Context) => {
    const mapped = badInputFromDatabase(thrown);
    if (mapped) log.info('bad_value', { path: c.req.path, error: thrown.name, message: thrown.message });
    const error = mapped ?? thrown;
    const ctx = c as PortalContext;
    if (!(error instanceof RoamSignError)) log.error('internal', { path: c.req.path, error: error.name, message: error.message });
    if (!ctx.get('lang')) ctx.set('lang', 'ms');
    const status = error instanceof RoamSignError ? error.status : 500;
    const code = error instanceof RoamSignError ? error.code : 'internal';
    const reason = error instanceof RoamSignError && typeof error.details?.reason === 'string' ? error.details.reason : '';
    const lang = ctx.get('lang');
    const back = admin ? '/portal/admin' : '/portal';
    // The API's stable code (and reason) on the page too, for scripts and tests.
    const body = html`<div data-error-code="${code}" data-error-reason="${reason}">${errorBox(errorLines(lang, error))}</div><p><a href="${back}">${tx(lang, 'back')}</a></p>`;
    const retryAfter = error instanceof RoamSignError ? retryAfterOf(error) : null;
    if (retryAfter) ctx.header('Retry-After', retryAfter);
    return ctx.html(page(ctx, tx(lang, 'errorTitle'), body, { admin }), status as 400);
  };
}

/** Malaysian time in the one human format (shared/time.ts); seconds for the audit log. */
export function formatTime(lang: Lang, at: number | null, seconds = false): string {
  return formatMalaysiaTime(lang, at, { seconds });
}
