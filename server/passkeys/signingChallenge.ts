import crypto from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { RoamSignError } from '../../shared/errors.js';
import type { Db, Tables } from '../db/database.js';
import { randomChallenge, storeChallenge } from './passkeyChallenges.js';

type RequestRow = Tables['signingRequests']['$inferSelect'];

/**
 * What a signing challenge is bound to (issue 11): SHA-256 over the request id, every document
 * digest in order, the requesting origin and the verification code.
 */
export function requestBinding(row: Pick<RequestRow, 'id' | 'documents' | 'origin' | 'verificationCode'>): Buffer {
  const bound = JSON.stringify(['roamsign-passkey-v1', row.id, row.documents.map((d) => d.digest), row.origin, row.verificationCode]);
  return crypto.createHash('sha256').update(bound).digest();
}

/**
 * A fresh challenge for request `row`: 32 random bytes then its binding (64 bytes). It lives as
 * long as the request's OTP would, and only while the request is pending; a new one replaces any
 * unused one.
 */
export async function issueSigningChallenge(db: Db, row: RequestRow, now: number): Promise<string> {
  const challenge = isoBase64URL.fromBuffer(Buffer.concat([randomChallenge(), requestBinding(row)]));
  const { passkeyChallenges: t } = db.t;
  await db.transaction(async () => {
    await db.orm.delete(t).where(and(eq(t.requestId, row.id), isNull(t.usedAt)));
    await storeChallenge(db, { purpose: 'sign', subjectType: 'officer', subjectId: row.nric, requestId: row.id, challenge, expiresAt: row.otpExpiresAt }, now);
  });
  return challenge;
}

/**
 * Uses the challenge the browser echoed for request `row`: one bound to another request is
 * passkey_challenge_mismatch; one of this request that is not the live, unused one is
 * passkey_challenge_replayed.
 */
export async function takeSigningChallenge(db: Db, row: RequestRow, echoed: string, now: number): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = isoBase64URL.toBuffer(echoed);
  } catch {
    throw new RoamSignError('passkey_challenge_mismatch');
  }
  if (bytes.length !== 64 || !Buffer.from(bytes.subarray(32)).equals(requestBinding(row))) throw new RoamSignError('passkey_challenge_mismatch');
  const { passkeyChallenges: t } = db.t;
  const used = await db.orm
    .update(t)
    .set({ usedAt: now })
    .where(and(eq(t.requestId, row.id), eq(t.purpose, 'sign'), eq(t.challenge, echoed), isNull(t.usedAt), gt(t.expiresAt, now)))
    .returning({ id: t.id });
  if (used.length !== 1) throw new RoamSignError('passkey_challenge_replayed');
}
