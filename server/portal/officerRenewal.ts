import { RoamSignError } from '../../shared/errors.js';
import { renewCertificate, type Renewal } from '../lifecycle/renewCertificate.js';
import { finishPasskeySignIn, startPasskeySignIn } from '../passkeys/passkeySignIn.js';
import { activePasskeys } from '../passkeys/passkeyStore.js';
import { findOfficer } from '../registry/officers.js';
import { checkPinCounted } from '../pin/pinAttempts.js';
import type { PortalDeps } from './deps.js';
import { CODE_TTL_MS, sendCode } from './mail.js';
import { refuse } from './officerPortal.js';

/** Renewal's security check: a fresh 6-digit code e-mailed for this step (10 minutes). */
export async function startRenewalCheck(services: PortalDeps, nric: string): Promise<{ challengeId: string }> {
  const officer = await findOfficer(services.db, nric);
  if (!officer) throw new RoamSignError('user_not_found');
  if (officer.emailVerifiedAt === null) throw refuse('email_not_verified');
  const { id, code } = await services.challenges.create('officer_sign_in', nric, CODE_TTL_MS, { step: 'renewal' });
  await sendCode(services, { nric, email: officer.email }, code, { ms: 'pembaharuan sijil', en: 'certificate renewal' });
  return { challengeId: id };
}

/**
 * The officer renews in the portal (issue 21) with the signing PIN and the e-mailed code: the PIN
 * counts towards the same lock-out as signing; the code is checked last, so a wrong PIN does not burn it.
 */
export async function renewWithPinAndCode(services: PortalDeps, nric: string, input: { pin: string; challengeId: string; code: string }): Promise<Renewal> {
  const officer = await findOfficer(services.db, nric);
  if (!officer) throw new RoamSignError('user_not_found');
  if (officer.pinVerifier === null) throw refuse('no_pin');
  if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
  await checkPinCounted(services, { nric, pin: input.pin, verifier: officer.pinVerifier, subject: nric, action: 'certificate.renewal_pin_failed' });
  let check: { subjectId: string; payload: Record<string, unknown> };
  try {
    check = await services.challenges.consume(input.challengeId, 'officer_sign_in', input.code);
  } catch (error) {
    if (error instanceof RoamSignError && error.code === 'not_found') throw new RoamSignError('otp_invalid');
    throw error;
  }
  if (check.subjectId !== nric || check.payload.step !== 'renewal') throw new RoamSignError('otp_invalid');
  return renewCertificate(services, nric, `officer:${nric}`);
}

/** Whether the officer has a passkey to renew with (the renewal page offers it then). */
export async function canRenewWithPasskey(services: PortalDeps, nric: string): Promise<boolean> {
  return (await activePasskeys(services.db, { type: 'officer', id: nric })).length > 0;
}

/**
 * Renewal with a passkey (issue 21), in place of the PIN and the e-mailed code: a ceremony bound to
 * this officer (only their passkeys, user verification required). Its challenge cannot sign anyone
 * in (a sign-in ceremony names no officer) and a sign-in challenge cannot renew.
 */
export async function startPasskeyRenewal(services: PortalDeps, nric: string) {
  const officer = await findOfficer(services.db, nric);
  if (!officer) throw new RoamSignError('user_not_found');
  if (!(await canRenewWithPasskey(services, nric))) throw new RoamSignError('passkey_credential_unknown');
  return startPasskeySignIn(services, { subjectType: 'officer', subject: { type: 'officer', id: nric } });
}

/** Verifies the officer's passkey assertion, then renews (new key, new certificate, old one superseded). */
export async function renewWithPasskey(services: PortalDeps, nric: string, input: { challengeId: string; response: unknown }): Promise<Renewal> {
  await finishPasskeySignIn(services, { challengeId: input.challengeId, response: input.response, subjectType: 'officer', subject: { type: 'officer', id: nric } });
  return renewCertificate(services, nric, `officer:${nric}`);
}
