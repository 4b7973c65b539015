import { inArray } from 'drizzle-orm';
import type { Db } from '../db/database.js';

/** Gives hits back (a right password is not a failure): their buckets may be used again at once. */
export async function giveBackHits(db: Db, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const { limitHits } = db.t;
  await db.orm.delete(limitHits).where(inArray(limitHits.id, [...ids]));
}
