import type { Db } from '../db/database.js';

/**
 * Records that the browser behind `deviceHash` proved to be `subject` (a signature with PIN and OTP,
 * a portal sign-in with its code): from now on it has a budget of its own (OWASP device cookie).
 */
export async function trustDevice(db: Db, deviceHash: string, subject: string, now: number): Promise<void> {
  const { trustedDevices } = db.t;
  await db.orm
    .insert(trustedDevices)
    .values({ deviceHash, subject, createdAt: now, lastSuccessAt: now })
    .onConflictDoUpdate({ target: [trustedDevices.deviceHash, trustedDevices.subject], set: { lastSuccessAt: now } });
}
