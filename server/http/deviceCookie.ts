import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { DEVICE_TOKEN_HEADER } from '../../shared/widgetProtocol.js';
import type { Db } from '../db/database.js';
import { DEVICE_TRUST_MS } from '../limits/classifyCaller.js';
import { trustDevice } from '../limits/trustDevice.js';

/** OWASP's device cookie: a random value (kept as its SHA-256) that a browser earns by succeeding once. */
export const DEVICE_COOKIE = 'rs_device';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (token: string) => crypto.createHash('sha256').update(token).digest('base64url');

/** The request's device token: its cookie, or the header the extension's worker sends (a bearer secret either way). */
function deviceTokenOf(c: Context): string | null {
  const token = getCookie(c, DEVICE_COOKIE) ?? c.req.header(DEVICE_TOKEN_HEADER);
  return token !== undefined && TOKEN.test(token) ? token : null;
}

/** The SHA-256 of the request's device token, or null when it has none (or a malformed one). */
export function deviceHashOf(c: Context): string | null {
  const token = deviceTokenOf(c);
  return token === null ? null : hashOf(token);
}

/**
 * The browser proved to be `subject`: its device cookie (kept, or a new one) is trusted for that
 * subject from now on. On https and on localhost the cookie is `SameSite=None; Secure; Partitioned`,
 * so the signing frame, embedded in an agency's page, keeps one of its own for that page's site
 * (CHIPS); on a plain-http host only first-party pages (the portal) can keep it.
 */
export async function rememberDevice(c: Context, options: { db: Db; publicUrl: string; subject: string; now: number; asHeader?: boolean }): Promise<void> {
  // Keep the browser's token only if RoamSign issued it (it is trusted for someone): a token planted
  // in the browser by someone else (a sibling site's cookie) must not become trusted and theirs.
  const presented = deviceTokenOf(c);
  const { trustedDevices } = options.db.t;
  const known = presented !== null && (await options.db.orm.select({ subject: trustedDevices.subject }).from(trustedDevices).where(eq(trustedDevices.deviceHash, hashOf(presented))).limit(1)).length > 0;
  const token = known ? presented : crypto.randomBytes(32).toString('base64url');
  await trustDevice(options.db, hashOf(token), options.subject, options.now);
  // The extension's worker (no cookie jar of its own that the server could rely on) keeps it in its storage.
  if (options.asHeader) {
    c.header(DEVICE_TOKEN_HEADER, token);
    return;
  }
  const url = new URL(options.publicUrl);
  const secure = url.protocol === 'https:' || url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  setCookie(c, DEVICE_COOKIE, token, {
    path: '/',
    httpOnly: true,
    maxAge: DEVICE_TRUST_MS / 1000,
    ...(secure ? { secure: true, sameSite: 'None', partitioned: true } : { sameSite: 'Lax' }),
  });
}
