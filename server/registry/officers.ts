import { desc, eq } from 'drizzle-orm';
import type { MediumAnswer } from '../../shared/schemas/medium.js';
import type { Db, Tables } from '../db/database.js';

export type Officer = Tables['officers']['$inferSelect'];
export type CertificateRow = Tables['certificates']['$inferSelect'];

/** The officer as stored now: read per request, never cached, so a suspension, retirement or PIN lock written by the CLI or another node counts at once (issue 14). */
export async function findOfficer(db: Db, nric: string): Promise<Officer | undefined> {
  const { officers } = db.t;
  const [row] = await db.orm.select().from(officers).where(eq(officers.nric, nric));
  return row;
}

/** The officer's newest certificate, whatever its state. */
export async function latestCertificate(db: Db, nric: string): Promise<CertificateRow | undefined> {
  const { certificates } = db.t;
  const [row] = await db.orm.select().from(certificates).where(eq(certificates.nric, nric)).orderBy(desc(certificates.createdAt)).limit(1);
  return row;
}

/** Can this officer sign with Roaming right now: active, PIN set, certificate valid and not revoked. */
export function roamingReady(officer: Officer, cert: CertificateRow | undefined, now: number): boolean {
  return (
    officer.media.includes('roaming') &&
    officer.status === 'active' &&
    officer.pinVerifier !== null &&
    cert !== undefined &&
    cert.revokedAt === null &&
    cert.notBefore <= now &&
    now < cert.notAfter
  );
}

/** API.md: media held, and `roaming` preferred only when a roaming certificate is ready. */
export async function mediumOf(db: Db, officer: Officer, now: number): Promise<MediumAnswer> {
  const ready = roamingReady(officer, await latestCertificate(db, officer.nric), now);
  return { nric: officer.nric, media: officer.media, preferred: ready ? 'roaming' : 'token' };
}
