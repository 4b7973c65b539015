import crypto from 'node:crypto';
import { and, desc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/database.js';

/** A budget: at most `limit` hits under `key` in any `windowMs` (a sliding log, so the bound is exact). */
export interface Bucket {
  key: string;
  limit: number;
  windowMs: number;
}

/** A spent budget: which one, its limit, and when (epoch ms) its oldest counted hit leaves the window. */
export type Spent = { ok: false; key: string; limit: number; retryAfterMs: number; retryAt: number };
export type Taken = { ok: true; ids: string[] } | Spent;

/**
 * Takes one hit from every bucket, or from none: counted before the guarded act (a message sent, a
 * password checked), so however many callers arrive at once, on however many nodes, a bucket never
 * passes its limit. Each key is locked for the rest of the transaction (joined when one is open),
 * in key order so that two takers never wait on each other. Reads at most `limit` index entries.
 */
export async function takeHits(db: Db, buckets: readonly Bucket[], now: number): Promise<Taken> {
  const { limitHits } = db.t;
  const sorted = [...buckets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return db.transaction(async () => {
    for (const bucket of sorted) await db.lock(`limit:${bucket.key}`);
    for (const bucket of sorted) {
      // The limit-th newest hit still inside the window: the bucket is full until it leaves the window.
      const [full] = await db.orm
        .select({ at: limitHits.at })
        .from(limitHits)
        .where(and(eq(limitHits.key, bucket.key), gt(limitHits.at, now - bucket.windowMs)))
        .orderBy(desc(limitHits.at))
        .limit(1)
        .offset(bucket.limit - 1);
      if (full) return { ok: false, key: bucket.key, limit: bucket.limit, retryAfterMs: full.at + bucket.windowMs - now, retryAt: full.at + bucket.windowMs };
    }
    const rows = sorted.map((bucket) => ({ id: crypto.randomBytes(12).toString('base64url'), key: bucket.key, at: now }));
    if (rows.length) await db.orm.insert(limitHits).values(rows);
    return { ok: true, ids: rows.map((row) => row.id) };
  });
}
