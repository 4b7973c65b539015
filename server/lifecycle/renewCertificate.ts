import { eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { IssuedCertificate } from '../ca/certificateAuthority.js';
import { findOfficer, latestCertificate } from '../registry/officers.js';
import type { LifecycleDeps } from './deps.js';

export interface Renewal {
  /** The certificate replaced (revoked as superseded), or null when the officer had none usable. */
  previousSerial: string | null;
  certificate: IssuedCertificate;
}

/**
 * Renews an officer's certificate (issue 21): a new key pair is generated in the vault (or HSM) and
 * a new certificate issued by the CA; the old one is revoked as `superseded` at once, so the CRL and
 * OCSP show it. Signatures made before stay valid: they predate the revocation time.
 * Callers check who asks (portal: PIN and e-mailed code or passkey; CLI: the operator).
 */
export async function renewCertificate(deps: LifecycleDeps, nric: string, actor: string): Promise<Renewal> {
  const { db, ca, audit } = deps;
  const officer = await findOfficer(db, nric);
  if (!officer) throw new RoamSignError('user_not_found');
  if (officer.status !== 'active') throw new RoamSignError('forbidden', { reason: `officer_${officer.status}` });
  const previous = await latestCertificate(db, nric);
  // Only an officer who holds (or held) a RoamSign certificate renews; a first one goes through the application.
  if (!previous) throw new RoamSignError('forbidden', { reason: 'no_certificate' });
  // A certificate revoked for another reason (key compromise, retirement) is not renewed: that needs an administrator.
  if (previous.revokedAt !== null && previous.revocationReason !== 'superseded') throw new RoamSignError('certificate_revoked');
  const { agencies } = db.t;
  const [agency] = await db.orm.select({ name: agencies.name }).from(agencies).where(eq(agencies.code, officer.agencyCode));
  const certificate = await ca.issueOfficerCertificate({ nric, name: officer.name, agencyName: agency?.name ?? officer.agencyCode });
  if (previous.revokedAt === null) await ca.revoke(previous.serial, 'superseded', actor);
  await audit.append({ actor, action: 'certificate.renewed', subject: nric, details: { serial: certificate.serial, previous: previous.serial } });
  return { previousSerial: previous.serial, certificate };
}
