import { and, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { Db, Tables } from '../db/database.js';
import { hashOtp, OTP_MAX_ATTEMPTS, otpMatches } from './otp.js';

/*
 * THE OTP RULE (DESIGN.md "Rules the seeds state", "Security rules"; issue 9), all of it here:
 *
 * - An OTP is 6 digits (OTP_LENGTH, otp.ts) and lives ROAMSIGN_OTP_TTL_SECONDS (120 s: "valid for
 *   2 minutes"); from its expiry on, a completion is refused with `otp_expired`.
 * - 3 tries per request (OTP_MAX_ATTEMPTS). A try is COUNTED BEFORE the OTP is compared (issue 9,
 *   "lock-outs are atomic"): a conditional increment, so of any number of concurrent guesses, on
 *   any node, at most 3 are ever compared. No try left while others still check theirs:
 *   `no_try_free` (the caller waits for them).
 * - A wrong OTP answers `otp_invalid` with attemptsLeft; the 3rd wrong one fails the request
 *   (`otp_attempts_exceeded`) and forgets its OTP, in the same transaction as its audit line.
 * - The OTP is checked BEFORE the PIN: without the OTP nobody can spend the officer's PIN tries.
 *   A right OTP with a wrong PIN gives its try back (`giveTryBack`, run in the PIN failure's
 *   transaction), so a wrong PIN alone does not use up the request.
 * - Consumption (`consumeOtp`): one OTP signs one request once. Only the completion that flips the
 *   request out of `pending` while its stored hash is still this OTP's wins; the hash is forgotten
 *   and the consumed hash kept (an identical retry of a signed request gets the same answer).
 */

export type OtpRequest = Pick<Tables['signingRequests']['$inferSelect'], 'id' | 'nric' | 'otpHash' | 'otpExpiresAt'>;

export interface OtpDeps {
  db: Db;
  audit: AuditLog;
  otpKey: Buffer;
  now: () => number;
}

export type OtpCheck =
  /** Right: the PIN may be checked now; `giveTryBack` if it is wrong; `consumedHash` for consumeOtp. */
  | { outcome: 'right'; consumedHash: string; giveTryBack: () => Promise<void> }
  /** Every try is held by concurrent completions: wait for them, then look again. */
  | { outcome: 'no_try_free' };

/**
 * Checks `otp` against pending request `request` by the rule above. Throws otp_expired,
 * otp_invalid (attemptsLeft) or otp_attempts_exceeded; `onExhausted` runs after the request
 * failed on its last try (committed), before the throw.
 */
export async function checkOtp(deps: OtpDeps, request: OtpRequest, otp: string, hooks: { onExhausted?: () => void } = {}): Promise<OtpCheck> {
  const { db, audit, otpKey, now } = deps;
  const { signingRequests } = db.t;
  const { id } = request;
  if (now() >= request.otpExpiresAt) throw new RoamSignError('otp_expired');

  // Counted before compared.
  const [counted] = await db.orm
    .update(signingRequests)
    .set({ otpAttempts: sql`${signingRequests.otpAttempts} + 1` })
    .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending'), lt(signingRequests.otpAttempts, OTP_MAX_ATTEMPTS)))
    .returning({ attempts: signingRequests.otpAttempts });
  if (!counted) return { outcome: 'no_try_free' };

  if (!otpMatches(otpKey, id, otp, request.otpHash)) {
    const exhausted = counted.attempts >= OTP_MAX_ATTEMPTS;
    await db.transaction(async () => {
      if (exhausted) {
        await db.orm
          .update(signingRequests)
          .set({ status: 'failed', failureCode: 'otp_attempts_exceeded', otpHash: null })
          .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending')));
      }
      await audit.append({ actor: request.nric, action: 'otp.wrong', subject: id, details: { attempts: counted.attempts } });
    });
    if (exhausted) {
      hooks.onExhausted?.();
      throw new RoamSignError('otp_attempts_exceeded');
    }
    throw new RoamSignError('otp_invalid', { attemptsLeft: OTP_MAX_ATTEMPTS - counted.attempts });
  }

  const giveTryBack = async () => {
    await db.orm
      .update(signingRequests)
      .set({ otpAttempts: sql`${signingRequests.otpAttempts} - 1` })
      .where(and(eq(signingRequests.id, id), gt(signingRequests.otpAttempts, 0)));
  };
  return { outcome: 'right', consumedHash: hashOtp(otpKey, id, otp), giveTryBack };
}

/**
 * Consumes the OTP of pending request `id` (call it inside the caller's transaction): true for
 * the one completion whose hash is still stored; `then` is what the request becomes (`signing`
 * with its lease). False: another completion consumed it, or a re-send replaced it.
 */
export async function consumeOtp(
  db: Db,
  options: { id: string; consumedHash: string; then: { status: 'signing'; signingUntil: number; otpExpiresAt: number | SQL<number> } },
): Promise<boolean> {
  const { signingRequests } = db.t;
  const changed = await db.orm
    .update(signingRequests)
    .set({ ...options.then, otpHash: null, consumedOtpHash: options.consumedHash })
    .where(and(eq(signingRequests.id, options.id), eq(signingRequests.status, 'pending'), eq(signingRequests.otpHash, options.consumedHash)))
    .returning({ id: signingRequests.id });
  return changed.length === 1;
}
