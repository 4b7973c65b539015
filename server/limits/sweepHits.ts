import { lt } from 'drizzle-orm';
import type { Db } from '../db/database.js';

/** No budget counts further back than this (the hourly ones are the longest). */
export const LONGEST_WINDOW_MS = 60 * 60 * 1000;

/** Deletes hits no window can see any more; returns how many. */
export async function sweepHits(db: Db, now: number): Promise<number> {
  const { limitHits } = db.t;
  const gone = await db.orm.delete(limitHits).where(lt(limitHits.at, now - LONGEST_WINDOW_MS)).returning({ id: limitHits.id });
  return gone.length;
}
