import { and, eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { CreatedSigningRequest } from '../../shared/schemas/signingRequest.js';
import { refuseSpent } from '../limits/refuseSpent.js';
import { takeHits } from '../limits/takeHits.js';
import { generateOtp, hashOtp } from '../otp/otp.js';
import { effectivePolicy } from '../passkeys/passkeyPolicy.js';
import { findOfficer } from '../registry/officers.js';
import { checkSameOrigin } from './checkSameOrigin.js';
import { REQUEST_LIFETIME_MS, type Caller, type SigningDeps } from './deps.js';
import { checkOfficerCanSign } from './officerCanSign.js';
import { otpBudget } from './otpBudget.js';
import { loadRequest, viewStatus } from './requestStore.js';
import { createdView } from './requestViews.js';
import { sendOtp } from './sendOtp.js';

/** A new OTP for the same request; the previous one dies at once. */
export async function resendOtp(deps: SigningDeps, id: string, caller: Caller): Promise<CreatedSigningRequest> {
  const { db, audit, otpKey, policy, now } = deps;
  const { signingRequests } = db.t;
  const row = await loadRequest(deps, id);
  checkSameOrigin(row, caller);
  if (row.status !== 'pending') throw new RoamSignError('request_not_pending', { status: viewStatus(row, now()) });
  const at = now();
  if (at - row.createdAt > REQUEST_LIFETIME_MS) throw new RoamSignError('request_not_pending', { status: 'expired' });
  if (row.otpSends > policy.otpMaxResends) throw new RoamSignError('rate_limited', { limit: policy.otpMaxResends, window: 'request' });
  const wait = row.lastOtpSentAt + policy.otpResendCooldownSeconds * 1000 - at;
  if (wait > 0) throw new RoamSignError('rate_limited', { retryAfterSeconds: Math.ceil(wait / 1000) });
  const officer = await findOfficer(db, row.nric);
  if (!officer) throw new RoamSignError('user_not_found');
  await checkOfficerCanSign(deps, officer);
  // Passkey only: the request gets its time again, and nothing is sent.
  const passkeyOnly = (await effectivePolicy(db, { system: row.system, agencyCode: officer.agencyCode })) === 'passkey-required';

  const otp = generateOtp(deps.randomInt);
  const next = { ...row, otpHash: passkeyOnly ? null : hashOtp(otpKey, id, otp), otpExpiresAt: at + policy.otpTtlSeconds * 1000, lastOtpSentAt: at, otpSends: row.otpSends + 1 };
  const { buckets } = await otpBudget(deps, officer.nric, caller);
  await db.transaction(async () => {
    await db.lock(`officer:${officer.nric}`);
    const taken = await takeHits(db, buckets, at);
    if (!taken.ok) throw refuseSpent(taken, { window: 'hour' });
    // Compare-and-set on the send count: of two concurrent re-sends only one wins.
    const changed = await db.orm
      .update(signingRequests)
      .set({ otpHash: next.otpHash, otpExpiresAt: next.otpExpiresAt, lastOtpSentAt: at, otpSends: next.otpSends })
      .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending'), eq(signingRequests.otpSends, row.otpSends)))
      .returning({ id: signingRequests.id });
    if (changed.length !== 1) throw new RoamSignError('rate_limited', { reason: 'concurrent_resend' });
    await audit.append({ actor: officer.nric, action: passkeyOnly ? 'request.renewed' : 'otp.resent', subject: id, details: { sends: next.otpSends } });
  });
  if (!passkeyOnly) await sendOtp(deps, next, officer, otp, caller.lang, row.channel);
  return createdView(next, policy);
}
