import { eq } from 'drizzle-orm';
import { normaliseSerial, type RevocationReason } from '../ca/certificateAuthority.js';
import type { Db } from '../db/database.js';

export type CertificateStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reason: RevocationReason }
  | { status: 'unknown' };

/**
 * What the database says of one serial of one CA generation, read at the moment of asking: a revocation by any
 * node or the CLI is in the answer as soon as its transaction committed (like the CRL, issue 14).
 */
export async function certificateStatus(db: Db, serial: string, generation: number): Promise<CertificateStatus> {
  const { certificates } = db.t;
  const [row] = await db.orm
    .select({ revokedAt: certificates.revokedAt, reason: certificates.revocationReason, caId: certificates.caId })
    .from(certificates)
    .where(eq(certificates.serial, normaliseSerial(serial)));
  // Asked under another CA generation than the one that issued it: not a certificate of that issuer.
  if (!row || row.caId !== generation) return { status: 'unknown' };
  if (row.revokedAt == null) return { status: 'good' };
  return { status: 'revoked', revokedAt: new Date(row.revokedAt), reason: (row.reason as RevocationReason | null) ?? 'unspecified' };
}
