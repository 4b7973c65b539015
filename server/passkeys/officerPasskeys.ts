import { eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { findOfficer, latestCertificate, roamingReady } from '../registry/officers.js';
import type { Services } from '../services.js';
import { checkPinCounted } from '../signing/pinAttempts.js';
import { notifyPasskeyChange } from './managePasskeys.js';
import { relyingPartyOf } from './relyingParty.js';
import { finishPasskeyRegistration, startPasskeyRegistration } from './registerPasskey.js';
import { finishPasskeySignIn } from './passkeySignIn.js';
import type { Passkey } from './passkeyStore.js';

/**
 * An officer adds a passkey (issue 11): only with a verified e-mail and a roaming certificate
 * ready, and only after re-entering the signing PIN (counted like any PIN try).
 */
export async function startOfficerPasskeyRegistration(services: Services, nric: string, pin: string, attachment?: 'platform') {
  const { db } = services;
  const officer = await findOfficer(db, nric);
  if (!officer) throw new RoamSignError('user_not_found');
  if (officer.emailVerifiedAt === null) throw new RoamSignError('bad_request', { reason: 'email_not_verified' });
  if (!roamingReady(officer, await latestCertificate(db, nric), services.now())) throw new RoamSignError('bad_request', { reason: 'no_certificate' });
  if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
  await checkPinCounted(services, { nric, pin, verifier: officer.pinVerifier, subject: nric, action: 'passkey.pin_failed' });
  return startPasskeyRegistration({
    db,
    rp: relyingPartyOf(services.config.publicUrl),
    subject: { type: 'officer', id: nric },
    userName: nric,
    displayName: officer.name,
    ...(attachment ? { attachment } : {}),
    now: services.now(),
  });
}

/** Keeps the officer's new passkey once its attestation verifies; audited and e-mailed. */
export async function finishOfficerPasskeyRegistration(services: Services, nric: string, input: { challengeId: string; response: unknown; name: string }): Promise<Passkey> {
  const passkey = await finishPasskeyRegistration({
    db: services.db,
    audit: services.audit,
    rp: relyingPartyOf(services.config.publicUrl),
    subject: { type: 'officer', id: nric },
    ...input,
    actor: `officer:${nric}`,
    now: services.now(),
  });
  await notifyPasskeyChange(services, passkey, 'registered');
  return passkey;
}

/** An officer signs in to the portal with a passkey in place of the e-mailed code; returns the NRIC. */
export async function completeOfficerPasskeySignIn(services: Services, input: { challengeId: string; response: unknown }): Promise<string> {
  const passkey = await finishPasskeySignIn(services, { ...input, subjectType: 'officer' });
  const nric = passkey.subjectId;
  const officer = await findOfficer(services.db, nric);
  if (!officer) throw new RoamSignError('passkey_credential_unknown');
  if (officer.status !== 'active') throw new RoamSignError('forbidden', { reason: `officer_${officer.status}` });
  const { officers } = services.db.t;
  await services.db.orm.update(officers).set({ lastActivityAt: services.now() }).where(eq(officers.nric, nric));
  await services.audit.append({ actor: `officer:${nric}`, action: 'portal.signed_in', subject: nric, details: { factor: 'passkey', credentialId: passkey.credentialId } });
  return nric;
}
