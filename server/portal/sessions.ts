import crypto from 'node:crypto';
import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Db } from '../db/database.js';

export const SESSION_COOKIE = 'rs_session';
/**
 * The administrator's own cookie (issue 23 item 6): an officer signing in in another tab of the
 * same browser starts the officer's session and leaves the administrator's alone.
 */
export const ADMIN_SESSION_COOKIE = 'rs_admin_session';
const ADMIN_PATH = '/portal/admin';

/** The session cookie a request reads: the administrator's under /portal/admin, else the officer's. */
export function sessionCookieOf(path: string): string {
  return path === ADMIN_PATH || path.startsWith(`${ADMIN_PATH}/`) ? ADMIN_SESSION_COOKIE : SESSION_COOKIE;
}

/** Where each kind of session's cookie is sent. */
export function sessionCookieFor(type: 'officer' | 'admin'): { name: string; path: string } {
  return type === 'admin' ? { name: ADMIN_SESSION_COOKIE, path: ADMIN_PATH } : { name: SESSION_COOKIE, path: '/' };
}
/** Idle time-out: a session unused for 15 minutes is over. */
export const SESSION_IDLE_MS = 15 * 60 * 1000;
/** Absolute time-out: no session lives past 12 hours, however busy. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;

export type SubjectType = 'officer' | 'admin';

export interface Session {
  idHash: string;
  subjectType: SubjectType;
  subjectId: string;
  csrfToken: string;
  createdAt: number;
}

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('base64url');

/** Constant-time string comparison (CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Cookies are Secure everywhere but a plain-http localhost development server. */
export function cookieIsSecure(publicUrl: string): boolean {
  return !(publicUrl.startsWith('http://localhost') || publicUrl.startsWith('http://127.0.0.1'));
}

/**
 * Portal sessions: the browser holds a random 32-byte id, the table only its SHA-256, so a copy of
 * the database cannot be replayed as a cookie.
 */
export function createSessionStore(db: Db, now: () => number) {
  const { admins, officers, sessions } = db.t;

  async function end(idHash: string): Promise<void> {
    await db.orm.update(sessions).set({ endedAt: now() }).where(and(eq(sessions.idHash, idHash), isNull(sessions.endedAt)));
  }

  /** Is the subject still allowed a session (not suspended, retired or disabled)? */
  async function subjectActive(type: SubjectType, id: string): Promise<boolean> {
    if (type === 'officer') return (await db.orm.select({ s: officers.status }).from(officers).where(eq(officers.nric, id)))[0]?.s === 'active';
    return (await db.orm.select({ s: admins.status }).from(admins).where(eq(admins.id, id)))[0]?.s === 'active';
  }

  return {
    /**
     * Starts a session after a successful sign-in; any session the browser already had ends
     * (rotation: an id planted before sign-in is worthless after it). Returns the cookie value.
     */
    async start(subjectType: SubjectType, subjectId: string, previousCookie?: string): Promise<{ cookie: string; session: Session }> {
      if (previousCookie) await end(sha256(previousCookie));
      const cookie = crypto.randomBytes(32).toString('base64url');
      const at = now();
      const session: Session = { idHash: sha256(cookie), subjectType, subjectId, csrfToken: crypto.randomBytes(32).toString('base64url'), createdAt: at };
      await db.orm.insert(sessions).values({ ...session, lastSeenAt: at });
      return { cookie, session };
    },

    /** The live session behind a cookie, touched (idle clock restarted); ends and drops expired ones. */
    async read(cookie: string | undefined): Promise<Session | null> {
      if (!cookie) return null;
      const idHash = sha256(cookie);
      const [row] = await db.orm.select().from(sessions).where(eq(sessions.idHash, idHash));
      if (!row || row.endedAt !== null) return null;
      const at = now();
      if (at - row.lastSeenAt >= SESSION_IDLE_MS || at - row.createdAt >= SESSION_ABSOLUTE_MS || !(await subjectActive(row.subjectType, row.subjectId))) {
        await end(idHash);
        return null;
      }
      await db.orm.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.idHash, idHash));
      return { idHash, subjectType: row.subjectType, subjectId: row.subjectId, csrfToken: row.csrfToken, createdAt: row.createdAt };
    },

    /** Sign-out: the session ends server-side, whatever the browser keeps. */
    async end(cookie: string | undefined): Promise<void> {
      if (cookie) await end(sha256(cookie));
    },

    /** Ends every session of a subject (suspension, disabling, a password reset), but `keep` (the one changing it). */
    async endAllOf(subjectType: SubjectType, subjectId: string, keep?: string): Promise<number> {
      const ended = await db.orm
        .update(sessions)
        .set({ endedAt: now() })
        .where(and(eq(sessions.subjectType, subjectType), eq(sessions.subjectId, subjectId), isNull(sessions.endedAt), keep === undefined ? undefined : ne(sessions.idHash, keep)))
        .returning({ idHash: sessions.idHash });
      return ended.length;
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
