import { eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { findOfficer, latestCertificate, roamingReady } from '../registry/officers.js';
import type { PasskeyDeps } from './deps.js';
import { checkPinCounted } from '../pin/pinAttempts.js';
import { notifyPasskeyChange } from './managePasskeys.js';
import { relyingPartyOf } from './relyingParty.js';
import { finishPasskeyRegistration, startPasskeyRegistration } from './registerPasskey.js';
import { finishPasskeySignIn } from './passkeySignIn.js';
import type { Passkey } from './passkeyStore.js';

/**
 * An officer adds a passkey (issue 11): only with a verified e-mail and a roaming certificate
 * ready, and only after re-entering the signing PIN (counted like any PIN try).
 */
export async function startOfficerPasskeyRegistration(deps: PasskeyDeps, nric: string, pin: string, attachment?: 'platform') {
  const { db } = deps;
  const officer = await findOfficer(db, nric);
  if (!officer) throw new RoamSignError('user_not_found');
  if (officer.emailVerifiedAt === null) throw new RoamSignError('bad_request', { reason: 'email_not_verified' });
  if (!roamingReady(officer, await latestCertificate(db, nric), deps.now())) throw new RoamSignError('bad_request', { reason: 'no_certificate' });
  if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
  await checkPinCounted(deps, { nric, pin, verifier: officer.pinVerifier, subject: nric, action: 'passkey.pin_failed' });
  return startPasskeyRegistration({
    db,
    rp: relyingPartyOf(deps.config.publicUrl),
    subject: { type: 'officer', id: nric },
    userName: nric,
    displayName: officer.name,
    ...(attachment ? { attachment } : {}),
    now: deps.now(),
  });
}

/** Keeps the officer's new passkey once its attestation verifies; audited and e-mailed. */
export async function finishOfficerPasskeyRegistration(deps: PasskeyDeps, nric: string, input: { challengeId: string; response: unknown; name: string }): Promise<Passkey> {
  const passkey = await finishPasskeyRegistration({
    db: deps.db,
    audit: deps.audit,
    rp: relyingPartyOf(deps.config.publicUrl),
    subject: { type: 'officer', id: nric },
    ...input,
    actor: `officer:${nric}`,
    now: deps.now(),
  });
  await notifyPasskeyChange(deps, passkey, 'registered');
  return passkey;
}

/** An officer signs in to the portal with a passkey in place of the e-mailed code; returns the NRIC. */
export async function completeOfficerPasskeySignIn(deps: PasskeyDeps, input: { challengeId: string; response: unknown }): Promise<string> {
  const passkey = await finishPasskeySignIn(deps, { ...input, subjectType: 'officer' });
  const nric = passkey.subjectId;
  const officer = await findOfficer(deps.db, nric);
  if (!officer) throw new RoamSignError('passkey_credential_unknown');
  if (officer.status !== 'active') throw new RoamSignError('forbidden', { reason: `officer_${officer.status}` });
  const { officers } = deps.db.t;
  await deps.db.orm.update(officers).set({ lastActivityAt: deps.now() }).where(eq(officers.nric, nric));
  await deps.audit.append({ actor: `officer:${nric}`, action: 'portal.signed_in', subject: nric, details: { factor: 'passkey', credentialId: passkey.credentialId } });
  return nric;
}
