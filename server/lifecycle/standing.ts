import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { Db } from '../db/database.js';
import type { Officer } from '../registry/officers.js';

/**
 * Throws `forbidden` when the officer may not sign now: not active (suspended or retired), or a
 * retirement / end of role is effective, even if the scheduled job has not applied it yet
 * (DESIGN.md "Rules the seeds state": officers who retire or lose a role lose the ability to sign
 * at once). A transfer does not refuse: certificates are personal, the officer signs for the new agency.
 */
export async function checkSigningStanding(db: Db, officer: Officer, now: number): Promise<void> {
  if (officer.status !== 'active') throw new RoamSignError('forbidden', { reason: `officer_${officer.status}` });
  const { movements } = db.t;
  // A retirement counts whether applied or not. An end of role counts only until the job applies it:
  // from then on the officer's `suspended` status refuses, and an administrator's reactivation lifts it.
  const [due] = await db.orm
    .select({ kind: movements.kind })
    .from(movements)
    .where(
      and(
        eq(movements.nric, officer.nric),
        lte(movements.effectiveAt, now),
        or(eq(movements.kind, 'retirement'), and(eq(movements.kind, 'end_of_role'), isNull(movements.appliedAt))),
      ),
    )
    .orderBy(sql`${movements.kind} = 'retirement' desc`)
    .limit(1);
  if (due) throw new RoamSignError('forbidden', { reason: due.kind === 'retirement' ? 'officer_retired' : 'officer_moved' });
}
