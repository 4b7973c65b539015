import { RoamSignError } from '../../shared/errors.js';
import type { CompleteSigningRequest, CompletedSigningRequest } from '../../shared/schemas/signingRequest.js';
import { checkSigningStanding } from '../lifecycle/standing.js';
import { checkOtp, consumeOtp } from '../otp/checkOtp.js';
import { OTP_MAX_ATTEMPTS } from '../otp/otp.js';
import { effectivePolicy } from '../passkeys/passkeyPolicy.js';
import { findOfficer } from '../registry/officers.js';
import { answerSettled } from './answerSettled.js';
import { checkSameOrigin } from './checkSameOrigin.js';
import type { Caller, SigningDeps } from './deps.js';
import { checkPinCounted, forgivePinFailures } from '../pin/pinAttempts.js';
import { announceEnded, awaitSigned, loadSettled, signingLease } from './requestStore.js';
import { signDocuments } from './signDocuments.js';

/**
 * PIN + OTP: checks the OTP (server/otp/checkOtp.ts: expiry, counted tries, before the PIN), then
 * the PIN (counted lock-out), consumes the OTP atomically with the officer's standing re-checked,
 * and signs every document (signDocuments.ts). A completion of a request that already signed with
 * the same OTP gets the same answer; one of a request another completion is signing waits for it.
 */
export async function completeWithOtp(deps: SigningDeps, id: string, input: CompleteSigningRequest, caller: Caller): Promise<CompletedSigningRequest> {
  const { db, vault, audit, now } = deps;
  let row = await loadSettled(deps, id);
  checkSameOrigin(row, caller);
  if (row.status === 'signing') row = await awaitSigned(deps, id);
  if (row.status !== 'pending') return answerSettled(deps, row, input.otp);

  const officer = await findOfficer(db, row.nric);
  if (!officer) throw new RoamSignError('user_not_found');
  // Lifecycle: a suspension or movement effective since the request was created refuses too.
  await checkSigningStanding(db, officer, now());
  if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
  // Expiry is refused ahead of the policy, as always (checkOtp refuses it again, with the rest of the rule).
  if (now() >= row.otpExpiresAt) throw new RoamSignError('otp_expired');
  if ((await effectivePolicy(db, { system: row.system, agencyCode: officer.agencyCode })) === 'passkey-required') throw new RoamSignError('passkey_required');

  // The OTP first: without it nobody can spend the officer's PIN tries.
  const pending = row;
  const otp = await checkOtp(deps, row, input.otp, { onExhausted: () => announceEnded(deps, pending, 'failed') });
  if (otp.outcome === 'no_try_free') {
    const settled = await awaitSigned(deps, id);
    // A try came free (another completion's OTP was right but it did not sign): try again.
    if (settled.status === 'pending' && settled.otpAttempts < OTP_MAX_ATTEMPTS) return completeWithOtp(deps, id, input, caller);
    if (settled.status === 'pending') throw new RoamSignError('otp_attempts_exceeded');
    return answerSettled(deps, settled, input.otp);
  }
  // A right OTP with a wrong PIN gives the OTP try back (in the PIN failure's transaction); a
  // right PIN forgives earlier PIN failures in the consuming transaction below: fewer commits.
  const { reserved } = await checkPinCounted(
    { db, vault, audit, now },
    { nric: officer.nric, pin: input.pin, verifier: officer.pinVerifier, subject: id, onWrong: otp.giveTryBack, forgive: false },
  );

  // Consume: only the completion that flips pending -> signing with this OTP signs.
  const won = await db.transaction(async () => {
    await db.lock(`officer:${officer.nric}`);
    const fresh = (await findOfficer(db, officer.nric))!;
    if (fresh.pinLockedAt !== null) throw new RoamSignError('pin_locked');
    await checkSigningStanding(db, fresh, now()); // lifecycle: re-checked atomically with the OTP's consumption
    const consumed = await consumeOtp(db, { id, consumedHash: otp.consumedHash, then: signingLease(deps) });
    await forgivePinFailures(db, officer.nric, reserved);
    if (consumed) await audit.append({ actor: officer.nric, action: 'otp.consumed', subject: id, details: {} });
    return consumed;
  });
  if (!won) {
    const settled = await awaitSigned(deps, id);
    if (settled.status === 'pending') throw new RoamSignError('otp_invalid', { attemptsLeft: OTP_MAX_ATTEMPTS - settled.otpAttempts });
    return answerSettled(deps, settled, input.otp);
  }
  return signDocuments(deps, row, { factor: 'otp' });
}
