import { and, eq, inArray, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { AuditLog } from '../audit/auditLog.js';
import type { Db, Tables } from '../db/database.js';

/**
 * How long a completion holds a request in `signing` without renewing (it renews every third of
 * this while it signs): past it, its node died or stalled, and the request may be recovered.
 */
export const SIGNING_LEASE_MS = 10_000;

type RequestRow = Pick<Tables['signingRequests']['$inferSelect'], 'status' | 'signingUntil'>;

/** A request whose OTP was consumed but whose signing completion is gone (lease run out, or from before leases). */
export function isAbandoned(row: RequestRow, now: number): boolean {
  return row.status === 'signing' && (row.signingUntil === null || row.signingUntil < now);
}

/**
 * Brings abandoned requests to their final, truthful state: `failed` (failureCode `interrupted`).
 * No signature of theirs was ever committed (signing commits the signatures and `signed` together,
 * only while the request is still `signing`), so none was given to anyone; the officer simply signs
 * again with a new request. `everything` (start-up on SQLite, where this process is the only signer)
 * takes every request in `signing`, lease or not. Returns the ids recovered.
 */
export async function recoverRequests(deps: { db: Db; audit: AuditLog }, options: { now: number; ids?: string[]; everything?: boolean }): Promise<string[]> {
  const { db, audit } = deps;
  const { signingRequests } = db.t;
  const conditions: SQL[] = [eq(signingRequests.status, 'signing')];
  if (!options.everything) conditions.push(or(isNull(signingRequests.signingUntil), lt(signingRequests.signingUntil, options.now))!);
  if (options.ids) conditions.push(inArray(signingRequests.id, options.ids));
  return db.transaction(async () => {
    const recovered = await db.orm
      .update(signingRequests)
      .set({ status: 'failed', failureCode: 'interrupted', signingUntil: null })
      .where(and(...conditions))
      .returning({ id: signingRequests.id, nric: signingRequests.nric });
    for (const row of recovered) {
      await audit.append({ actor: 'system', action: 'request.interrupted', subject: row.id, details: { nric: row.nric } });
    }
    return recovered.map((row) => row.id);
  });
}
