import { and, eq, isNull, lt, lte, sql } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { perConnection, type Db } from '../db/client.js';
import { movements, sessions } from '../db/enrolmentSchema.js';
import { officers } from '../db/schema.js';
import { DAY_MS, type LifecycleDeps } from './deps.js';

/** DESIGN.md "Rules the seeds state": suspend after 90 days of inactivity (configurable). */
export const DEFAULT_INACTIVITY_DAYS = 90;

const touch = perConnection((db) =>
  db.update(officers).set({ lastActivityAt: sql`${sql.placeholder('at')}` }).where(eq(officers.nric, sql.placeholder('nric'))).prepare(),
);

/** A sign-in or a signature: what keeps an officer from the inactivity suspension. */
export function recordActivity(db: Db, nric: string, at: number): void {
  touch(db).run({ nric, at });
}

/**
 * Suspends every active officer whose last sign-in or signature (or registration, when there was
 * none) is more than `days` days before `at`. Idempotent: a suspended officer is no longer active.
 * Returns the NRICs suspended by this call.
 */
export function suspendInactive(deps: LifecycleDeps, at: number = deps.now(), days: number = DEFAULT_INACTIVITY_DAYS): string[] {
  const { db, audit } = deps;
  if (!(days > 0)) throw new RoamSignError('bad_request', { days: 'must be positive' });
  const cutoff = at - days * DAY_MS;
  const lastSeen = sql<number>`coalesce(${officers.lastActivityAt}, ${officers.createdAt})`;
  return db.transaction(() => {
    const stale = db
      .select({ nric: officers.nric, lastSeen })
      .from(officers)
      .where(and(eq(officers.status, 'active'), lt(lastSeen, cutoff)))
      .all();
    for (const officer of stale) {
      db.update(officers).set({ status: 'suspended' }).where(and(eq(officers.nric, officer.nric), eq(officers.status, 'active'))).run();
      db.update(sessions)
        .set({ endedAt: at })
        .where(and(eq(sessions.subjectType, 'officer'), eq(sessions.subjectId, officer.nric), isNull(sessions.endedAt)))
        .run();
      audit.append({
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
export function reactivate(deps: LifecycleDeps, nric: string, actor: string): 'reactivated' | 'already_active' {
  const { db, audit, now } = deps;
  const at = now();
  return db.transaction(() => {
    const officer = db.select({ status: officers.status }).from(officers).where(eq(officers.nric, nric)).get();
    if (!officer) throw new RoamSignError('user_not_found');
    const retirement = db
      .select({ id: movements.id })
      .from(movements)
      .where(and(eq(movements.nric, nric), eq(movements.kind, 'retirement'), lte(movements.effectiveAt, at)))
      .get();
    if (officer.status === 'retired' || officer.status === 'closed' || retirement) throw new RoamSignError('forbidden', { reason: `officer_${officer.status === 'closed' ? 'closed' : 'retired'}` });
    const settled = db
      .update(movements)
      .set({ appliedAt: at })
      .where(and(eq(movements.nric, nric), eq(movements.kind, 'end_of_role'), isNull(movements.appliedAt), lte(movements.effectiveAt, at)))
      .returning({ id: movements.id })
      .all();
    for (const m of settled) {
      audit.append({ actor, action: 'movement.applied', subject: nric, details: { movementId: m.id, kind: 'end_of_role', settledBy: 'reactivation' } });
    }
    if (officer.status === 'active' && settled.length === 0) return 'already_active';
    db.update(officers).set({ status: 'active', lastActivityAt: at }).where(eq(officers.nric, nric)).run();
    audit.append({ actor, action: 'officer.reactivated', subject: nric, details: { from: officer.status } });
    return 'reactivated';
  });
}
