import { and, eq, isNotNull, lte } from 'drizzle-orm';
import { DAY_MS, type LifecycleDeps } from './deps.js';
import { endOfficerSessions } from './movements.js';

/** DESIGN.md "Rules the seeds state" (the e-mail guideline): close accounts 60 days after service ends. */
export const CLOSE_AFTER_DAYS = 60;

/**
 * Closes the account of every retired officer whose retirement took effect at least 60 days before
 * `at`: status `closed`, portal sessions ended. The certificate was revoked at retirement already.
 * Idempotent: a closed officer is no longer `retired`. Returns the NRICs closed by this call.
 */
export async function closeEndedAccounts(deps: LifecycleDeps, at: number = deps.now(), days: number = CLOSE_AFTER_DAYS): Promise<string[]> {
  const { db, audit } = deps;
  const { movements, officers } = db.t;
  const cutoff = at - days * DAY_MS;
  return db.transaction(async () => {
    const due = await db.orm
      .selectDistinct({ nric: officers.nric })
      .from(officers)
      .innerJoin(movements, eq(movements.nric, officers.nric))
      .where(and(eq(officers.status, 'retired'), eq(movements.kind, 'retirement'), isNotNull(movements.appliedAt), lte(movements.effectiveAt, cutoff)));
    for (const { nric } of due) {
      await db.orm.update(officers).set({ status: 'closed' }).where(and(eq(officers.nric, nric), eq(officers.status, 'retired')));
      await endOfficerSessions(db, nric, at);
      await audit.append({ actor: 'system', action: 'officer.closed', subject: nric, details: { reason: 'service_ended', days } });
    }
    return due.map((o) => o.nric);
  });
}
