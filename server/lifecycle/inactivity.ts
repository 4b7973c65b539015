import { and, eq, isNull, lt, lte, sql } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { Db } from '../db/database.js';
import { DAY_MS, type LifecycleDeps } from './deps.js';
import { endOfficerSessions } from './movements.js';

/** DESIGN.md "Rules the seeds state": suspend after 90 days of inactivity (configurable). */
export const DEFAULT_INACTIVITY_DAYS = 90;

/** A sign-in or a signature: what keeps an officer from the inactivity suspension. */
export async function recordActivity(db: Db, nric: string, at: number): Promise<void> {
  const { officers } = db.t;
  await db.orm.update(officers).set({ lastActivityAt: at }).where(eq(officers.nric, nric));
}

/**
 * Suspends every active officer whose last sign-in or signature (or registration, when there was
 * none) is more than `days` days before `at`. Idempotent: a suspended officer is no longer active.
 * Returns the NRICs suspended by this call.
 */
export async function suspendInactive(deps: LifecycleDeps, at: number = deps.now(), days: number = DEFAULT_INACTIVITY_DAYS): Promise<string[]> {
  const { db, audit } = deps;
  const { officers } = db.t;
  if (!(days > 0)) throw new RoamSignError('bad_request', { days: 'must be positive' });
  const cutoff = at - days * DAY_MS;
  const lastSeen = sql<number>`coalesce(${officers.lastActivityAt}, ${officers.createdAt})`.mapWith(Number);
  return db.transaction(async () => {
    const stale = await db.orm
      .select({ nric: officers.nric, lastSeen })
      .from(officers)
      .where(and(eq(officers.status, 'active'), lt(lastSeen, cutoff)));
    for (const officer of stale) {
      await db.orm.update(officers).set({ status: 'suspended' }).where(and(eq(officers.nric, officer.nric), eq(officers.status, 'active')));
      await endOfficerSessions(db, officer.nric, at);
      await audit.append({
        actor: 'system',
        action: 'officer.suspended',
        subject: officer.nric,
        details: { reason: 'inactivity', days, lastActivityAt: new Date(officer.lastSeen).toISOString() },
      });
    }
    return stale.map((o) => o.nric);
  });
}

/**
 * An administrator lifts a suspension (inactivity or end of role): the officer is active again and
 * the 90 days count from now. A retired officer cannot be reactivated (the certificate is revoked;
 * re-enrol instead). A due end of role not yet applied by the job is settled by this decision.
 */
export async function reactivate(deps: LifecycleDeps, nric: string, actor: string): Promise<'reactivated' | 'already_active'> {
  const { db, audit, now } = deps;
  const { movements, officers } = db.t;
  const at = now();
  return db.transaction(async () => {
    const [officer] = await db.orm.select({ status: officers.status }).from(officers).where(eq(officers.nric, nric));
    if (!officer) throw new RoamSignError('user_not_found');
    const [retirement] = await db.orm
      .select({ id: movements.id })
      .from(movements)
      .where(and(eq(movements.nric, nric), eq(movements.kind, 'retirement'), lte(movements.effectiveAt, at)))
      .limit(1);
    if (officer.status === 'retired' || officer.status === 'closed' || retirement) throw new RoamSignError('forbidden', { reason: `officer_${officer.status === 'closed' ? 'closed' : 'retired'}` });
    const settled = await db.orm
      .update(movements)
      .set({ appliedAt: at })
      .where(and(eq(movements.nric, nric), eq(movements.kind, 'end_of_role'), isNull(movements.appliedAt), lte(movements.effectiveAt, at)))
      .returning({ id: movements.id });
    for (const m of settled) {
      await audit.append({ actor, action: 'movement.applied', subject: nric, details: { movementId: m.id, kind: 'end_of_role', settledBy: 'reactivation' } });
    }
    if (officer.status === 'active' && settled.length === 0) return 'already_active';
    await db.orm.update(officers).set({ status: 'active', lastActivityAt: at }).where(eq(officers.nric, nric));
    await audit.append({ actor, action: 'officer.reactivated', subject: nric, details: { from: officer.status } });
    return 'reactivated';
  });
}
