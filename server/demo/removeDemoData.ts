import { and, eq, inArray, isNotNull, isNull, ne, or } from 'drizzle-orm';
import type { AuditLog } from '../audit/auditLog.js';
import type { CertificateAuthority } from '../ca/certificateAuthority.js';
import type { Db } from '../db/database.js';
import { DEMO_OFFICERS } from './demoData.js';

const ACTOR = 'cli:remove-demo-data';

/**
 * Takes the sandbox demo officers out of a data folder that is to run with the sandbox off. Their
 * PINs are public, so their certificates are revoked as compromised (and stay in the CRL: a
 * signature made in the sandbox never verifies as good), their PIN verifiers are erased, their
 * accounts closed for good, their portal sessions ended, their phones deactivated and their
 * pending signing requests cancelled. Their rows stay, closed, for the audit trail. Idempotent;
 * returns the MyKad numbers it removed.
 */
export async function removeDemoData(deps: { db: Db; ca: CertificateAuthority; audit: AuditLog; now: () => number }): Promise<string[]> {
  const { db, ca, audit, now } = deps;
  const { certificates, devices, officers, sessions, signingRequests } = db.t;
  const demo = DEMO_OFFICERS.map((o) => o.nric);
  const rows = await db.orm
    .select({ nric: officers.nric })
    .from(officers)
    .where(and(inArray(officers.nric, demo), or(ne(officers.status, 'closed'), isNotNull(officers.pinVerifier))));
  const found = new Set(rows.map((o) => o.nric));
  const present = demo.filter((nric) => found.has(nric));
  if (present.length === 0) return [];

  const live = await db.orm
    .select({ serial: certificates.serial })
    .from(certificates)
    .where(and(inArray(certificates.nric, present), isNull(certificates.revokedAt)));
  for (const { serial } of live) await ca.revoke(serial, 'keyCompromise', ACTOR);

  const at = now();
  await db.transaction(async () => {
    for (const nric of present) {
      await db.orm.update(officers).set({ status: 'closed', pinVerifier: null, pinFailures: 0, pinLockedAt: null }).where(eq(officers.nric, nric));
      await db.orm.update(sessions).set({ endedAt: at }).where(and(eq(sessions.subjectType, 'officer'), eq(sessions.subjectId, nric), isNull(sessions.endedAt)));
      await db.orm.update(devices).set({ status: 'inactive', deactivatedAt: at }).where(and(eq(devices.nric, nric), eq(devices.status, 'active')));
      await db.orm.update(signingRequests).set({ status: 'cancelled' }).where(and(eq(signingRequests.nric, nric), eq(signingRequests.status, 'pending')));
      await audit.append({ actor: ACTOR, action: 'demo.removed', subject: nric, details: { reason: 'public_demo_pin' } });
    }
  });
  return present;
}
