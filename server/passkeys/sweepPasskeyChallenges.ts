import { lt } from 'drizzle-orm';
import type { Db } from '../db/database.js';

/** Kept a little after expiry (a late answer still reads "replayed"), then dropped. */
const KEEP_AFTER_EXPIRY_MS = 60 * 60 * 1000;

/** Deletes WebAuthn challenges long expired (sign-in options can be asked for without an account); returns how many. */
export async function sweepPasskeyChallenges(db: Db, now: number): Promise<number> {
  const { passkeyChallenges: t } = db.t;
  const gone = await db.orm.delete(t).where(lt(t.expiresAt, now - KEEP_AFTER_EXPIRY_MS)).returning({ id: t.id });
  return gone.length;
}
