import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';
import type { Vault } from '../vault/vault.js';

/** DESIGN.md: 5 consecutive wrong PINs lock the officer. */
export const PIN_MAX_FAILURES = 5;
const RESERVE_WAIT_MS = 5000;
const RESERVE_POLL_MS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A right PIN gives back its own reservation and every failure before it; reservations still in
 * flight stay counted.
 */
export async function forgivePinFailures(db: Db, nric: string, reserved: number): Promise<void> {
  const { officers } = db.t;
  await db.orm
    .update(officers)
    .set({ pinFailures: sql`case when ${officers.pinFailures} > ${reserved} then ${officers.pinFailures} - ${reserved} else 0 end` })
    .where(eq(officers.nric, nric));
}

/**
 * Checks an officer's PIN with the try counted first (issue 9, "lock-outs are atomic"): a
 * conditional increment reserves one of the PIN_MAX_FAILURES tries before the verifier is
 * computed, so however many guesses arrive at once, on however many nodes, at most that many are
 * ever checked before the lock. A right PIN gives back its own reservation and every failure before
 * it (a right PIN resets the count); reservations still in flight stay counted.
 * Throws pin_locked or pin_invalid (with attemptsLeft).
 */
export async function checkPinCounted(
  deps: { db: Db; vault: Vault; audit: AuditLog; now: () => number },
  input: {
    nric: string;
    pin: string;
    verifier: string | null;
    subject: string;
    action?: string;
    /** Runs in the failure's transaction (signing gives the request's OTP try back there). */
    onWrong?: () => Promise<void>;
    /** false: the caller forgives the failures itself (forgivePinFailures) in a transaction of its own. */
    forgive?: boolean;
  },
): Promise<{ reserved: number }> {
  const { db, vault, audit, now } = deps;
  const { officers } = db.t;
  const reserve = async () =>
    (
      await db.orm
        .update(officers)
        .set({ pinFailures: sql`${officers.pinFailures} + 1` })
        .where(and(eq(officers.nric, input.nric), isNull(officers.pinLockedAt), lt(officers.pinFailures, PIN_MAX_FAILURES)))
        .returning({ failures: officers.pinFailures })
    )[0];
  let reserved = await reserve();
  // Every try held by checks still in flight (not a lock): wait for them to give theirs back.
  const deadline = Date.now() + RESERVE_WAIT_MS;
  while (!reserved && Date.now() < deadline) {
    const [state] = await db.orm.select({ lockedAt: officers.pinLockedAt }).from(officers).where(eq(officers.nric, input.nric));
    if (!state || state.lockedAt !== null) break;
    await sleep(RESERVE_POLL_MS);
    reserved = await reserve();
  }
  if (!reserved) throw new RoamSignError('pin_locked');

  const ok = input.verifier !== null && (await vault.verifyPin(input.pin, input.verifier));
  if (ok) {
    if (input.forgive !== false) await forgivePinFailures(db, input.nric, reserved.failures);
    return { reserved: reserved.failures };
  }
  await db.transaction(async () => {
    await input.onWrong?.();
    await audit.append({ actor: input.nric, action: input.action ?? 'pin.wrong', subject: input.subject, details: { failures: reserved.failures } });
    if (reserved.failures >= PIN_MAX_FAILURES) {
      const locked = await db.orm
        .update(officers)
        .set({ pinLockedAt: now() })
        .where(and(eq(officers.nric, input.nric), isNull(officers.pinLockedAt)))
        .returning({ nric: officers.nric });
      if (locked.length) await audit.append({ actor: 'system', action: 'pin.locked', subject: input.nric, details: {} });
    }
  });
  if (reserved.failures >= PIN_MAX_FAILURES) throw new RoamSignError('pin_locked');
  throw new RoamSignError('pin_invalid', { attemptsLeft: PIN_MAX_FAILURES - reserved.failures });
}
