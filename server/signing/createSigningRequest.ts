import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { CreateSigningRequest, CreatedSigningRequest } from '../../shared/schemas/signingRequest.js';
import type { StoredDocument } from '../db/schema.js';
import { callerKeyOf } from '../limits/classifyCaller.js';
import { refuseSpent } from '../limits/refuseSpent.js';
import { takeHits } from '../limits/takeHits.js';
import { generateOtp, hashOtp } from '../otp/otp.js';
import { effectivePolicy } from '../passkeys/passkeyPolicy.js';
import { activePasskeys } from '../passkeys/passkeyStore.js';
import { allOriginsFor, isRegisteredSystem } from '../registry/systems.js';
import { findOfficer } from '../registry/officers.js';
import { REQUEST_LIFETIME_MS, type Caller, type SigningDeps } from './deps.js';
import { checkOfficerCanSign } from './officerCanSign.js';
import { otpBudget } from './otpBudget.js';
import { announceEnded, type RequestRow } from './requestStore.js';
import { createdView } from './requestViews.js';
import { sendOtp } from './sendOtp.js';
import { supersedePending } from './supersedePending.js';
import { verificationCode } from './verificationCode.js';

/** Creates a signing request bound to officer, system, origin and documents, and sends its OTP. */
export async function createSigningRequest(deps: SigningDeps, input: CreateSigningRequest, caller: Caller): Promise<CreatedSigningRequest> {
  const { db, outbox, audit, otpKey, policy, now } = deps;
  const { signingRequests } = db.t;
  if (!(await isRegisteredSystem(db, input.system))) throw new RoamSignError('bad_request', { system: 'unknown system' });
  if (caller.client && caller.client.system !== input.system) throw new RoamSignError('forbidden', { reason: 'other_system', system: input.system });
  const officer = await findOfficer(db, input.nric);
  if (!officer) throw new RoamSignError('user_not_found');
  if (caller.origin !== null && !(await allOriginsFor(db, input.system, policy.allowedOrigins)).includes(caller.origin)) {
    throw new RoamSignError('origin_not_allowed', { system: input.system });
  }
  await checkOfficerCanSign(deps, officer);
  // Policy `passkey-required`: no OTP could sign, so none is sent (an unusable code in the inbox
  // only misleads); without a passkey there is no way to sign at all.
  const passkeyOnly = (await effectivePolicy(db, { system: input.system, agencyCode: officer.agencyCode })) === 'passkey-required';
  if (passkeyOnly && !(await activePasskeys(db, { type: 'officer', id: officer.nric })).length) {
    throw new RoamSignError('passkey_required', { reason: 'no_passkey' });
  }

  const documents: StoredDocument[] = input.documents.map((d) => ({
    id: d.id,
    digest: d.digest,
    ...(d.summary ? { summary: d.summary } : {}),
  }));
  const id = `sr_${crypto.randomBytes(16).toString('base64url')}`;
  const otp = generateOtp(deps.randomInt);
  const at = now();
  const { callerClass, buckets } = await otpBudget(deps, officer.nric, caller);
  const callerKey = callerKeyOf(callerClass);
  const route = await outbox.route({ nric: officer.nric, email: officer.email }, input.channel);
  const row: RequestRow = {
    id,
    nric: officer.nric,
    system: input.system,
    origin: caller.origin,
    documents,
    channel: route.channel,
    destination: route.destination,
    verificationCode: verificationCode({ nric: officer.nric, system: input.system, origin: caller.origin, documents }),
    status: 'pending',
    failureCode: null,
    otpHash: passkeyOnly ? null : hashOtp(otpKey, id, otp),
    consumedOtpHash: null,
    otpExpiresAt: at + policy.otpTtlSeconds * 1000,
    otpAttempts: 0,
    otpSends: passkeyOnly ? 0 : 1,
    lastOtpSentAt: at,
    createdAt: at,
    signedAt: null,
    result: null,
    callerKey,
    signingUntil: null,
  };
  // The caller's budget, the cap on its pending requests and the insert are one transaction
  // under the officer's lock: concurrent creates, on any node, cannot slip past either.
  const superseded = await db.transaction(async () => {
    await db.lock(`officer:${officer.nric}`);
    const taken = await takeHits(db, buckets, at);
    if (!taken.ok) throw refuseSpent(taken, { window: 'hour' });
    const cap = callerClass.kind === 'unknown' ? 1 : policy.pendingPerCaller;
    const gone = await supersedePending({ db, audit }, { nric: officer.nric, callerKey, keep: cap - 1, since: at - REQUEST_LIFETIME_MS, by: id });
    await db.orm.insert(signingRequests).values(row);
    await audit.append({
      actor: officer.nric,
      action: 'request.created',
      subject: id,
      details: { system: input.system, origin: caller.origin, client: caller.client?.clientId ?? null, caller: callerClass.kind, documents: documents.length },
    });
    return gone;
  });
  for (const old of superseded) announceEnded(deps, { ...old, nric: officer.nric }, 'superseded');
  if (passkeyOnly) return createdView(row, policy);

  const delivered = await sendOtp(deps, row, officer, otp, caller.lang, input.channel);
  if (delivered.channel !== row.channel || delivered.destination !== row.destination) {
    await db.orm.update(signingRequests).set({ channel: delivered.channel, destination: delivered.destination }).where(eq(signingRequests.id, id));
    row.channel = delivered.channel;
    row.destination = delivered.destination;
  }
  await audit.append({ actor: officer.nric, action: 'otp.sent', subject: id, details: { channel: delivered.channel } });
  return createdView(row, policy);
}
