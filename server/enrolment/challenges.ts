import crypto from 'node:crypto';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { Db } from '../db/database.js';
import { refuseSpent } from '../limits/refuseSpent.js';
import { takeHits, type Bucket } from '../limits/takeHits.js';
import { generateOtp, hashOtp, otpMatches } from '../otp/otp.js';

import type { Tables } from '../db/database.js';

export type ChallengePurpose = Tables['challenges']['$inferSelect']['purpose'];

const MAX_ATTEMPTS = 3;
const HOUR_MS = 60 * 60 * 1000;

/**
 * One-time codes sent by e-mail for sign-in, PIN reset and device registration: 6 digits from
 * the CSPRNG, stored as a keyed hash, limited life and tries, consumed atomically once.
 */
export function createChallenges(options: { db: Db; key: Buffer; now: () => number; perHour: number }) {
  // Codes e-mailed per subject and purpose per hour: nobody can flood a mailbox through the portal.
  const { db, key, now, perHour } = options;
  const { challenges } = db.t;

  return {
    /**
     * Creates a challenge; the caller sends `code` to the subject's e-mail. `budget` is what the
     * code spends (limits/callerBudgets.ts, e.g. the caller's own for sign-in codes); by default
     * `perHour` codes per subject and purpose.
     */
    async create(
      purpose: ChallengePurpose,
      subjectId: string,
      ttlMs: number,
      payload: Record<string, unknown> = {},
      budget: Bucket[] = [{ key: `code:${purpose}:${subjectId}`, limit: perHour, windowMs: HOUR_MS }],
    ): Promise<{ id: string; code: string; expiresAt: number }> {
      const at = now();
      const id = `ch_${crypto.randomBytes(16).toString('base64url')}`;
      const code = generateOtp();
      // The count and the insert in one transaction, the budget's keys locked: concurrent calls, on any node, cannot pass the limit together.
      await db.transaction(async () => {
        const taken = await takeHits(db, budget, at);
        if (!taken.ok) throw refuseSpent(taken);
        await db.orm.insert(challenges).values({ id, purpose, subjectId, codeHash: hashOtp(key, id, code), expiresAt: at + ttlMs, payload, createdAt: at });
      });
      return { id, code, expiresAt: at + ttlMs };
    },

    /**
     * Checks the code and consumes the challenge; throws otp_invalid (with attemptsLeft),
     * otp_expired, otp_attempts_exceeded or not_found. Returns the subject and payload.
     */
    async consume(id: string, purpose: ChallengePurpose, code: string): Promise<{ subjectId: string; payload: Record<string, unknown> }> {
      const [row] = await db.orm.select().from(challenges).where(and(eq(challenges.id, id), eq(challenges.purpose, purpose)));
      if (!row || row.consumedAt !== null) throw new RoamSignError('not_found');
      if (now() >= row.expiresAt) throw new RoamSignError('otp_expired');
      // The try is counted before the code is compared (a conditional increment): however many
      // guesses arrive at once, at most MAX_ATTEMPTS are ever compared.
      const [counted] = await db.orm
        .update(challenges)
        .set({ attempts: sql`${challenges.attempts} + 1` })
        .where(and(eq(challenges.id, id), isNull(challenges.consumedAt), lt(challenges.attempts, MAX_ATTEMPTS)))
        .returning({ attempts: challenges.attempts });
      if (!counted) throw new RoamSignError('otp_attempts_exceeded');
      if (!otpMatches(key, id, code, row.codeHash)) {
        if (counted.attempts >= MAX_ATTEMPTS) throw new RoamSignError('otp_attempts_exceeded');
        throw new RoamSignError('otp_invalid', { attemptsLeft: MAX_ATTEMPTS - counted.attempts });
      }
      const won = await db.orm
        .update(challenges)
        .set({ consumedAt: now() })
        .where(and(eq(challenges.id, id), isNull(challenges.consumedAt)))
        .returning({ id: challenges.id });
      if (won.length !== 1) throw new RoamSignError('not_found');
      return { subjectId: row.subjectId, payload: row.payload };
    },
  };
}

export type Challenges = ReturnType<typeof createChallenges>;
