import { and, eq, isNotNull, isNull, lte } from 'drizzle-orm';
import { movements, sessions } from '../db/enrolmentSchema.js';
import { officers } from '../db/schema.js';
import { DAY_MS, type LifecycleDeps } from './deps.js';

/** DESIGN.md "Rules the seeds state" (the e-mail guideline): close accounts 60 days after service ends. */
export const CLOSE_AFTER_DAYS = 60;

/**
 * Closes the account of every retired officer whose retirement took effect at least 60 days before
 * `at`: status `closed`, portal sessions ended. The certificate was revoked at retirement already.
 * Idempotent: a closed officer is no longer `retired`. Returns the NRICs closed by this call.
 */
export function closeEndedAccounts(deps: LifecycleDeps, at: number = deps.now(), days: number = CLOSE_AFTER_DAYS): string[] {
  const { db, audit } = deps;
  const cutoff = at - days * DAY_MS;
  return db.transaction(() => {
    const due = db
      .selectDistinct({ nric: officers.nric })
      .from(officers)
      .innerJoin(movements, eq(movements.nric, officers.nric))
      .where(and(eq(officers.status, 'retired'), eq(movements.kind, 'retirement'), isNotNull(movements.appliedAt), lte(movements.effectiveAt, cutoff)))
      .all();
    for (const { nric } of due) {
      db.update(officers).set({ status: 'closed' }).where(and(eq(officers.nric, nric), eq(officers.status, 'retired'))).run();
      db.update(sessions).set({ endedAt: at }).where(and(eq(sessions.subjectType, 'officer'), eq(sessions.subjectId, nric), isNull(sessions.endedAt))).run();
      audit.append({ actor: 'system', action: 'officer.closed', subject: nric, details: { reason: 'service_ended', days } });
    }
    return due.map((o) => o.nric);
  });
}
