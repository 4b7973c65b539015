import crypto from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { Db, Tables } from '../db/database.js';

// WebAuthn challenges: server-random (WebAuthn §13.4.3, at least 16 bytes), kept server-side,
// single use and short-lived.

export type PasskeyChallenge = Tables['passkeyChallenges']['$inferSelect'];
/** Registration and sign-in ceremonies: 5 minutes is ample for a person with a key in hand. */
export const CEREMONY_TTL_MS = 5 * 60 * 1000;

export function randomChallenge(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(crypto.randomBytes(32));
}

/** Stores a challenge; returns its id (the form or dialog hands it back with the response). */
export async function storeChallenge(
  db: Db,
  input: Pick<PasskeyChallenge, 'purpose' | 'subjectType' | 'subjectId' | 'requestId' | 'challenge' | 'expiresAt'>,
  now: number,
): Promise<string> {
  const id = `pkc_${crypto.randomBytes(16).toString('base64url')}`;
  await db.orm.insert(db.t.passkeyChallenges).values({ id, ...input, usedAt: null, createdAt: now });
  return id;
}

/**
 * Uses challenge `id` of `purpose` whose value the browser echoed as `echoed`: atomically, so of
 * two responses to one challenge only one gets it. Anything used, expired, unknown or mismatched
 * is passkey_challenge_replayed.
 */
export async function takeChallenge(db: Db, input: { id: string; purpose: PasskeyChallenge['purpose']; echoed: string }, now: number): Promise<PasskeyChallenge> {
  const { passkeyChallenges: t } = db.t;
  const [row] = await db.orm
    .update(t)
    .set({ usedAt: now })
    .where(and(eq(t.id, input.id), eq(t.purpose, input.purpose), eq(t.challenge, input.echoed), isNull(t.usedAt), gt(t.expiresAt, now)))
    .returning();
  if (!row) throw new RoamSignError('passkey_challenge_replayed');
  return row;
}
