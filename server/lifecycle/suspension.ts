import { and, eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { normaliseSerial } from '../ca/certificateAuthority.js';
import { latestCertificate } from '../registry/officers.js';
import type { LifecycleDeps } from './deps.js';

/**
 * Suspension that can be lifted (issue 21, RFC 5280 `certificateHold`): for leave or an
 * investigation. The officer's newest certificate is put on hold: the CRL and OCSP list it as
 * revoked with reason certificateHold, and signing is refused while it lasts.
 */
export async function suspendCertificate(deps: LifecycleDeps, nric: string, actor: string): Promise<'suspended' | 'already_revoked'> {
  const cert = await latestCertificate(deps.db, nric);
  if (!cert) throw new RoamSignError('not_found');
  const result = await deps.ca.revoke(cert.serial, 'certificateHold', actor);
  if (result !== 'revoked') return 'already_revoked';
  await deps.audit.append({ actor, action: 'certificate.suspended', subject: nric, details: { serial: cert.serial } });
  return 'suspended';
}

/**
 * Lifts a hold: the certificate is good again (CRL reissued in the same transaction without it;
 * OCSP answers good at once). Only a hold can be lifted; any other revocation is final.
 */
export async function reinstateCertificate(deps: LifecycleDeps, nric: string, actor: string): Promise<'reinstated' | 'not_suspended'> {
  const { db, ca, audit } = deps;
  const { certificates } = db.t;
  const cert = await latestCertificate(db, nric);
  if (!cert) throw new RoamSignError('not_found');
  return db.transaction(async () => {
    await db.lock('crl');
    const [lifted] = await db.orm
      .update(certificates)
      .set({ revokedAt: null, revocationReason: null })
      .where(and(eq(certificates.serial, normaliseSerial(cert.serial)), eq(certificates.revocationReason, 'certificateHold')))
      .returning({ serial: certificates.serial, caId: certificates.caId });
    if (!lifted) return 'not_suspended';
    await audit.append({ actor, action: 'certificate.reinstated', subject: nric, details: { serial: lifted.serial } });
    await ca.issueCrl(lifted.caId);
    return 'reinstated';
  });
}
