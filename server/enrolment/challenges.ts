import crypto from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { Db } from '../db/client.js';
import { challenges } from '../db/enrolmentSchema.js';
import { generateOtp, hashOtp, otpMatches } from '../otp/otp.js';

export type ChallengePurpose = (typeof challenges.$inferSelect)['purpose'];

const MAX_ATTEMPTS = 3;
const HOUR_MS = 60 * 60 * 1000;

/**
 * One-time codes sent by e-mail for sign-in, PIN reset and device registration: 6 digits from
 * the CSPRNG, stored as a keyed hash, limited life and tries, consumed atomically once.
 */
export function createChallenges(options: { db: Db; key: Buffer; now: () => number; perHour: number }) {
  // Codes e-mailed per subject and purpose per hour: nobody can flood a mailbox through the portal.
  const { db, key, now, perHour } = options;

  return {
    /** Creates a challenge; the caller sends `code` to the subject's e-mail. */
    create(purpose: ChallengePurpose, subjectId: string, ttlMs: number, payload: Record<string, unknown> = {}): { id: string; code: string; expiresAt: number } {
      const at = now();
      const recent = db
        .select({ n: sql<number>`count(*)` })
        .from(challenges)
        .where(and(eq(challenges.subjectId, subjectId), eq(challenges.purpose, purpose), gt(challenges.createdAt, at - HOUR_MS)))
        .get();
      if ((recent?.n ?? 0) >= perHour) throw new RoamSignError('rate_limited', { limit: perHour, window: 'hour' });
      const id = `ch_${crypto.randomBytes(16).toString('base64url')}`;
      const code = generateOtp();
      db.insert(challenges).values({ id, purpose, subjectId, codeHash: hashOtp(key, id, code), expiresAt: at + ttlMs, payload, createdAt: at }).run();
      return { id, code, expiresAt: at + ttlMs };
    },

    /**
     * Checks the code and consumes the challenge; throws otp_invalid (with attemptsLeft),
     * otp_expired, otp_attempts_exceeded or not_found. Returns the subject and payload.
     */
    consume(id: string, purpose: ChallengePurpose, code: string): { subjectId: string; payload: Record<string, unknown> } {
      const row = db.select().from(challenges).where(and(eq(challenges.id, id), eq(challenges.purpose, purpose))).get();
      if (!row || row.consumedAt !== null) throw new RoamSignError('not_found');
      if (now() >= row.expiresAt) throw new RoamSignError('otp_expired');
      if (row.attempts >= MAX_ATTEMPTS) throw new RoamSignError('otp_attempts_exceeded');
      if (!otpMatches(key, id, code, row.codeHash)) {
        const updated = db
          .update(challenges)
          .set({ attempts: sql`${challenges.attempts} + 1` })
          .where(eq(challenges.id, id))
          .returning({ attempts: challenges.attempts })
          .get()!;
        if (updated.attempts >= MAX_ATTEMPTS) throw new RoamSignError('otp_attempts_exceeded');
        throw new RoamSignError('otp_invalid', { attemptsLeft: MAX_ATTEMPTS - updated.attempts });
      }
      const won = db.update(challenges).set({ consumedAt: now() }).where(and(eq(challenges.id, id), isNull(challenges.consumedAt))).run().changes === 1;
      if (!won) throw new RoamSignError('not_found');
      return { subjectId: row.subjectId, payload: row.payload };
    },
  };
}

export type Challenges = ReturnType<typeof createChallenges>;
