import { and, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../db/database.js';

/**
 * Takes the named lease for `holder` until now + ttlMs when it is free, expired or already this
 * holder's (one conditional upsert: of several nodes asking at once, exactly one gets it).
 * Returns whether `holder` holds it now.
 */
export async function acquireLease(db: Db, options: { name: string; holder: string; ttlMs: number; now: number }): Promise<boolean> {
  const { leases } = db.t;
  const { name, holder, ttlMs, now } = options;
  const taken = await db.orm
    .insert(leases)
    .values({ name, holder, expiresAt: now + ttlMs })
    .onConflictDoUpdate({
      target: leases.name,
      set: { holder, expiresAt: now + ttlMs },
      setWhere: or(lt(leases.expiresAt, now), eq(leases.holder, holder)),
    })
    .returning({ holder: leases.holder });
  return taken.length === 1;
}

/** Gives the lease up at once (the job is done), if `holder` still holds it. */
export async function releaseLease(db: Db, options: { name: string; holder: string }): Promise<void> {
  const { leases } = db.t;
  await db.orm
    .update(leases)
    .set({ expiresAt: 0 })
    .where(and(eq(leases.name, options.name), eq(leases.holder, options.holder)));
}
