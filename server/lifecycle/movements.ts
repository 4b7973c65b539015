import crypto from 'node:crypto';
import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { Db, Tables } from '../db/database.js';
import type { LifecycleDeps } from './deps.js';

export const MOVEMENT_KINDS = ['transfer', 'retirement', 'end_of_role'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
export type Movement = Tables['movements']['$inferSelect'];

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
export async function recordMovement(deps: LifecycleDeps, input: MovementInput): Promise<Movement> {
  const { db, audit, now } = deps;
  const { agencies, movements, officers } = db.t;
  if (!(MOVEMENT_KINDS as readonly string[]).includes(input.kind)) throw new RoamSignError('bad_request', { kind: 'unknown movement kind' });
  if (!Number.isFinite(input.effectiveAt)) throw new RoamSignError('bad_request', { effectiveAt: 'not a time' });
  if (!input.recordedBy) throw new RoamSignError('bad_request', { recordedBy: 'required' });
  return db.transaction(async () => {
    const [officer] = await db.orm.select().from(officers).where(eq(officers.nric, input.nric));
    if (!officer) throw new RoamSignError('user_not_found');
    if (officer.status === 'retired' || officer.status === 'closed') throw new RoamSignError('bad_request', { nric: 'officer already retired' });
    let toAgencyCode: string | null = null;
    if (input.kind === 'transfer') {
      if (!input.toAgencyCode) throw new RoamSignError('bad_request', { toAgencyCode: 'required for a transfer' });
      const [agency] = await db.orm.select({ code: agencies.code }).from(agencies).where(eq(agencies.code, input.toAgencyCode));
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
    await db.orm.insert(movements).values(row);
    await audit.append({
      actor: input.recordedBy,
      action: 'movement.recorded',
      subject: officer.nric,
      details: { movementId: row.id, kind: row.kind, effectiveAt: new Date(row.effectiveAt).toISOString(), fromAgencyCode: row.fromAgencyCode, toAgencyCode },
    });
    return row;
  });
}

/** The officer's certificates not yet revoked. */
async function liveCertificates(db: Db, nric: string): Promise<string[]> {
  const { certificates } = db.t;
  const rows = await db.orm
    .select({ serial: certificates.serial })
    .from(certificates)
    .where(and(eq(certificates.nric, nric), isNull(certificates.revokedAt)));
  return rows.map((c) => c.serial);
}

/** Issue 5: portal sessions end server-side at suspension (and retirement). */
export async function endOfficerSessions(db: Db, nric: string, at: number): Promise<void> {
  const { sessions } = db.t;
  await db.orm
    .update(sessions)
    .set({ endedAt: at })
    .where(and(eq(sessions.subjectType, 'officer'), eq(sessions.subjectId, nric), isNull(sessions.endedAt)));
}

/**
 * Applies every movement due at `at` and not yet applied, oldest first, each in its own transaction
 * (with its certificates' revocation and the reissued CRL):
 * transfer -> new agency (certificate kept: certificates are personal); retirement -> `retired` and
 * every live certificate revoked (cessationOfOperation, CRL reissued at once); end of role ->
 * `suspended` until an administrator reactivates. Idempotent: an applied movement is never due again.
 * Returns the movements this call applied.
 */
export async function applyDueMovements(deps: LifecycleDeps, at: number = deps.now()): Promise<Movement[]> {
  const { db, ca, audit } = deps;
  const { movements, officers } = db.t;
  const due = await db.orm
    .select()
    .from(movements)
    .where(and(isNull(movements.appliedAt), lte(movements.effectiveAt, at)))
    .orderBy(asc(movements.effectiveAt), asc(movements.createdAt));
  const applied: Movement[] = [];
  for (const movement of due) {
    const done = await db.transaction(async () => {
      // Claim it: of two concurrent runs (or nodes) only one applies (and audits) each movement.
      const claimed = await db.orm
        .update(movements)
        .set({ appliedAt: at })
        .where(and(eq(movements.id, movement.id), isNull(movements.appliedAt)))
        .returning({ id: movements.id });
      if (claimed.length !== 1) return false;
      const officer = eq(officers.nric, movement.nric);
      if (movement.kind === 'transfer') {
        await db.orm.update(officers).set({ agencyCode: movement.toAgencyCode! }).where(officer);
      } else if (movement.kind === 'retirement') {
        for (const serial of await liveCertificates(db, movement.nric)) {
          await ca.revoke(serial, 'cessationOfOperation', `movement:${movement.id}`);
        }
        await db.orm.update(officers).set({ status: 'retired' }).where(officer);
        await endOfficerSessions(db, movement.nric, at);
      } else {
        // A retired officer stays retired.
        await db.orm.update(officers).set({ status: 'suspended' }).where(and(officer, eq(officers.status, 'active')));
        await endOfficerSessions(db, movement.nric, at);
      }
      await audit.append({
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
export async function movementsOf(db: Db, nric: string): Promise<Movement[]> {
  const { movements } = db.t;
  return db.orm.select().from(movements).where(eq(movements.nric, nric)).orderBy(asc(movements.effectiveAt));
}
