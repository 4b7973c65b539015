import crypto from 'node:crypto';
import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { movements, sessions } from '../db/enrolmentSchema.js';
import { agencies, certificates, officers } from '../db/schema.js';
import type { Db } from '../db/client.js';
import type { LifecycleDeps } from './deps.js';

export const MOVEMENT_KINDS = ['transfer', 'retirement', 'end_of_role'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
export type Movement = typeof movements.$inferSelect;

export interface MovementInput {
  nric: string;
  kind: MovementKind;
  /** Unix ms from which the officer no longer signs for the old agency / role. */
  effectiveAt: number;
  /** The new agency; required for a transfer, refused otherwise. */
  toAgencyCode?: string | null;
  /** Who recorded it (administrator id, `cli`, …), for the audit log. */
  recordedBy: string;
}

/**
 * Records a transfer, retirement or end of role (issue 5 "Staff movement"). Signing is refused from
 * `effectiveAt` at once (checkSigningStanding); the scheduled job applies the rest (applyDueMovements).
 */
export function recordMovement(deps: LifecycleDeps, input: MovementInput): Movement {
  const { db, audit, now } = deps;
  if (!(MOVEMENT_KINDS as readonly string[]).includes(input.kind)) throw new RoamSignError('bad_request', { kind: 'unknown movement kind' });
  if (!Number.isFinite(input.effectiveAt)) throw new RoamSignError('bad_request', { effectiveAt: 'not a time' });
  if (!input.recordedBy) throw new RoamSignError('bad_request', { recordedBy: 'required' });
  return db.transaction(() => {
    const officer = db.select().from(officers).where(eq(officers.nric, input.nric)).get();
    if (!officer) throw new RoamSignError('user_not_found');
    if (officer.status === 'retired' || officer.status === 'closed') throw new RoamSignError('bad_request', { nric: 'officer already retired' });
    let toAgencyCode: string | null = null;
    if (input.kind === 'transfer') {
      if (!input.toAgencyCode) throw new RoamSignError('bad_request', { toAgencyCode: 'required for a transfer' });
      const agency = db.select({ code: agencies.code }).from(agencies).where(eq(agencies.code, input.toAgencyCode)).get();
      if (!agency) throw new RoamSignError('bad_request', { toAgencyCode: 'unknown agency' });
      if (agency.code === officer.agencyCode) throw new RoamSignError('bad_request', { toAgencyCode: 'officer already in this agency' });
      toAgencyCode = agency.code;
    } else if (input.toAgencyCode) {
      throw new RoamSignError('bad_request', { toAgencyCode: 'only for a transfer' });
    }
    const row: Movement = {
      id: `mv_${crypto.randomBytes(12).toString('base64url')}`,
      nric: officer.nric,
      kind: input.kind,
      effectiveAt: input.effectiveAt,
      fromAgencyCode: officer.agencyCode,
      toAgencyCode,
      recordedBy: input.recordedBy,
      appliedAt: null,
      createdAt: now(),
    };
    db.insert(movements).values(row).run();
    audit.append({
      actor: input.recordedBy,
      action: 'movement.recorded',
      subject: officer.nric,
      details: { movementId: row.id, kind: row.kind, effectiveAt: new Date(row.effectiveAt).toISOString(), fromAgencyCode: row.fromAgencyCode, toAgencyCode },
    });
    return row;
  });
}

/** The officer's certificates not yet revoked. */
function liveCertificates(db: Db, nric: string): string[] {
  return db
    .select({ serial: certificates.serial })
    .from(certificates)
    .where(and(eq(certificates.nric, nric), isNull(certificates.revokedAt)))
    .all()
    .map((c) => c.serial);
}

/** Issue 5: portal sessions end server-side at suspension (and retirement). */
function endOfficerSessions(db: Db, nric: string, at: number): void {
  db.update(sessions)
    .set({ endedAt: at })
    .where(and(eq(sessions.subjectType, 'officer'), eq(sessions.subjectId, nric), isNull(sessions.endedAt)))
    .run();
}

/**
 * Applies every movement due at `at` and not yet applied, oldest first, each in its own transaction:
 * transfer -> new agency (certificate kept: certificates are personal); retirement -> `retired` and
 * every live certificate revoked (cessationOfOperation, CRL reissued at once); end of role ->
 * `suspended` until an administrator reactivates. Idempotent: an applied movement is never due again.
 * Returns the movements this call applied.
 */
export async function applyDueMovements(deps: LifecycleDeps, at: number = deps.now()): Promise<Movement[]> {
  const { db, ca, audit } = deps;
  const due = db
    .select()
    .from(movements)
    .where(and(isNull(movements.appliedAt), lte(movements.effectiveAt, at)))
    .orderBy(asc(movements.effectiveAt), asc(movements.createdAt))
    .all();
  const applied: Movement[] = [];
  for (const movement of due) {
    if (movement.kind === 'retirement') {
      // Revocation signs a CRL (async) so it cannot sit in the synchronous transaction below; it
      // runs first and is itself idempotent, so a crash in between is finished by the next run.
      for (const serial of liveCertificates(db, movement.nric)) {
        await ca.revoke(serial, 'cessationOfOperation', `movement:${movement.id}`);
      }
    }
    const done = db.transaction(() => {
      // Claim it: of two concurrent runs only one applies (and audits) each movement.
      const claimed = db
        .update(movements)
        .set({ appliedAt: at })
        .where(and(eq(movements.id, movement.id), isNull(movements.appliedAt)))
        .run().changes;
      if (claimed !== 1) return false;
      const officer = eq(officers.nric, movement.nric);
      if (movement.kind === 'transfer') {
        db.update(officers).set({ agencyCode: movement.toAgencyCode! }).where(officer).run();
      } else if (movement.kind === 'retirement') {
        db.update(officers).set({ status: 'retired' }).where(officer).run();
        endOfficerSessions(db, movement.nric, at);
      } else {
        // A retired officer stays retired.
        db.update(officers).set({ status: 'suspended' }).where(and(officer, eq(officers.status, 'active'))).run();
        endOfficerSessions(db, movement.nric, at);
      }
      audit.append({
        actor: 'system',
        action: 'movement.applied',
        subject: movement.nric,
        details: { movementId: movement.id, kind: movement.kind, fromAgencyCode: movement.fromAgencyCode, toAgencyCode: movement.toAgencyCode },
      });
      return true;
    });
    if (done) applied.push({ ...movement, appliedAt: at });
  }
  return applied;
}

/** Every movement recorded for an officer, oldest effective first. */
export function movementsOf(db: Db, nric: string): Movement[] {
  return db.select().from(movements).where(eq(movements.nric, nric)).orderBy(asc(movements.effectiveAt)).all();
}
