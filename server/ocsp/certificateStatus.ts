import { eq } from 'drizzle-orm';
import { normaliseSerial, type RevocationReason } from '../ca/certificateAuthority.js';
import type { Db } from '../db/database.js';

export type CertificateStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reason: RevocationReason }
  | { status: 'unknown' };

/**
 * What the database says of one serial of this CA, read at the moment of asking: a revocation by any
 * node or the CLI is in the answer as soon as its transaction committed (like the CRL, issue 14).
 */
export async function certificateStatus(db: Db, serial: string): Promise<CertificateStatus> {
  const { certificates } = db.t;
  const [row] = await db.orm
    .select({ revokedAt: certificates.revokedAt, reason: certificates.revocationReason })
    .from(certificates)
    .where(eq(certificates.serial, normaliseSerial(serial)));
  if (!row) return { status: 'unknown' };
  if (row.revokedAt == null) return { status: 'good' };
  return { status: 'revoked', revokedAt: new Date(row.revokedAt), reason: (row.reason as RevocationReason | null) ?? 'unspecified' };
}
