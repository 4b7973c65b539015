import { desc, eq, sql } from 'drizzle-orm';
import type { MediumAnswer } from '../../shared/schemas/medium.js';
import { perConnection, type Db } from '../db/client.js';
import { certificates, officers } from '../db/schema.js';

export type Officer = typeof officers.$inferSelect;
export type CertificateRow = typeof certificates.$inferSelect;

// Every signing request reads both: prepared once per connection.
const queries = perConnection((db) => ({
  officer: db.select().from(officers).where(eq(officers.nric, sql.placeholder('nric'))).prepare(),
  latestCertificate: db
    .select()
    .from(certificates)
    .where(eq(certificates.nric, sql.placeholder('nric')))
    .orderBy(desc(certificates.createdAt))
    .limit(1)
    .prepare(),
}));

export function findOfficer(db: Db, nric: string): Officer | undefined {
  return queries(db).officer.get({ nric });
}

/** The officer's newest certificate, whatever its state. */
export function latestCertificate(db: Db, nric: string): CertificateRow | undefined {
  return queries(db).latestCertificate.get({ nric });
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
export function mediumOf(db: Db, officer: Officer, now: number): MediumAnswer {
  const ready = roamingReady(officer, latestCertificate(db, officer.nric), now);
  return { nric: officer.nric, media: officer.media, preferred: ready ? 'roaming' : 'token' };
}
