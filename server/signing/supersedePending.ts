import { and, desc, eq, gt, inArray } from 'drizzle-orm';
import type { AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';

/**
 * Keeps at most `keep` pending requests of one officer and caller (the newest) and cancels the
 * older ones as superseded, their OTPs dead (docs/security.md: a cap on pending requests). Another
 * caller's requests are never touched, so nobody can cancel the officer's request from elsewhere.
 * Runs inside the creating transaction, under the officer's lock.
 */
export async function supersedePending(
  deps: { db: Db; audit: AuditLog },
  input: { nric: string; callerKey: string; keep: number; since: number; by: string },
): Promise<{ id: string; channel: 'push' | 'email' }[]> {
  const { db, audit } = deps;
  const { signingRequests } = db.t;
  const live = await db.orm
    .select({ id: signingRequests.id })
    .from(signingRequests)
    .where(
      and(
        eq(signingRequests.nric, input.nric),
        eq(signingRequests.callerKey, input.callerKey),
        eq(signingRequests.status, 'pending'),
        gt(signingRequests.createdAt, input.since),
      ),
    )
    .orderBy(desc(signingRequests.createdAt));
  const older = live.slice(input.keep).map((row) => row.id);
  if (!older.length) return [];
  const gone = await db.orm
    .update(signingRequests)
    .set({ status: 'cancelled', failureCode: 'superseded', otpHash: null })
    .where(and(inArray(signingRequests.id, older), eq(signingRequests.status, 'pending')))
    .returning({ id: signingRequests.id, channel: signingRequests.channel });
  for (const row of gone) await audit.append({ actor: 'system', action: 'request.superseded', subject: row.id, details: { by: input.by } });
  return gone;
}
