import { RoamSignError } from '../../shared/errors.js';
import type { Db } from '../db/database.js';
import { checkSigningStanding } from '../lifecycle/standing.js';
import { latestCertificate, roamingReady, type Officer } from '../registry/officers.js';

/**
 * May `officer` be sent an OTP to sign (create, re-send)? In standing (lifecycle, issue 5), the
 * roaming medium, PIN not locked, and a certificate that is neither revoked nor out of date.
 */
export async function checkOfficerCanSign(deps: { db: Db; now: () => number }, officer: Officer): Promise<void> {
  const { db, now } = deps;
  // Lifecycle: not active, or retired / role ended from the effective date -> forbidden.
  await checkSigningStanding(db, officer, now());
  if (!officer.media.includes('roaming')) throw new RoamSignError('medium_not_roaming');
  if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
  const cert = await latestCertificate(db, officer.nric);
  if (cert?.revokedAt != null) throw new RoamSignError('certificate_revoked');
  if (!roamingReady(officer, cert, now())) throw new RoamSignError('medium_not_roaming');
}
