import { and, eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { CompleteWithPasskey } from '../../shared/schemas/passkey.js';
import type { CompletedSigningRequest } from '../../shared/schemas/signingRequest.js';
import { checkSigningStanding } from '../lifecycle/standing.js';
import { effectivePolicy } from '../passkeys/passkeyPolicy.js';
import { takeSigningChallenge } from '../passkeys/signingChallenge.js';
import { verifyPasskeyAssertion } from '../passkeys/verifyPasskeyAssertion.js';
import { findOfficer } from '../registry/officers.js';
import { checkSameOrigin } from './checkSameOrigin.js';
import type { Caller, SigningDeps } from './deps.js';
import { checkPinCounted, forgivePinFailures } from '../pin/pinAttempts.js';
import { loadRequest, loadSettled, signingLease, viewStatus } from './requestStore.js';
import { signDocuments } from './signDocuments.js';

/**
 * PIN + passkey (issue 11): the assertion is verified first (bound challenge, origin, RP ID, UV,
 * counter), then the PIN with the same lock-out counting as the OTP path, then the request flips
 * pending -> signing once and is signed (signDocuments.ts). The credential and its authenticator
 * data are kept.
 */
export async function completeWithPasskey(deps: SigningDeps, id: string, input: CompleteWithPasskey, caller: Caller): Promise<CompletedSigningRequest> {
  const { db, vault, audit, rp, now } = deps;
  const { signingRequests } = db.t;
  const row = await loadSettled(deps, id);
  checkSameOrigin(row, caller);
  if (row.status !== 'pending' || now() >= row.otpExpiresAt) throw new RoamSignError('request_not_pending', { status: viewStatus(row, now()) });
  const officer = await findOfficer(db, row.nric);
  if (!officer) throw new RoamSignError('user_not_found');
  await checkSigningStanding(db, officer, now());
  if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
  if ((await effectivePolicy(db, { system: row.system, agencyCode: officer.agencyCode })) === 'otp') throw new RoamSignError('passkey_not_allowed');

  const used = await verifyPasskeyAssertion({
    db,
    audit,
    rp,
    response: input.credential,
    subject: { type: 'officer', id: row.nric },
    takeChallenge: (echoed) => takeSigningChallenge(db, row, echoed, now()),
    // The widget's dialog is a RoamSign frame inside the page that asked: that page is its top.
    ...(row.origin ? { topOrigin: row.origin } : {}),
    ...(deps.onPasskeySuspended ? { onSuspended: deps.onPasskeySuspended } : {}),
    now,
  });
  const { reserved } = await checkPinCounted({ db, vault, audit, now }, { nric: officer.nric, pin: input.pin, verifier: officer.pinVerifier, subject: id, forgive: false });

  const won = await db.transaction(async () => {
    await db.lock(`officer:${officer.nric}`);
    const fresh = (await findOfficer(db, officer.nric))!;
    if (fresh.pinLockedAt !== null) throw new RoamSignError('pin_locked');
    await checkSigningStanding(db, fresh, now());
    const changed = await db.orm
      .update(signingRequests)
      .set({ ...signingLease(deps), otpHash: null })
      .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending')))
      .returning({ id: signingRequests.id });
    await forgivePinFailures(db, officer.nric, reserved);
    if (changed.length !== 1) return false;
    await db.orm.insert(db.t.signingPasskeys).values({ requestId: id, credentialId: used.passkey.credentialId, authenticatorData: used.authenticatorData, counter: used.counter, usedAt: now() });
    await audit.append({
      actor: officer.nric,
      action: 'passkey.consumed',
      subject: id,
      details: { credentialId: used.passkey.credentialId, counter: used.counter, authenticatorData: used.authenticatorData.toString('base64') },
    });
    return true;
  });
  if (!won) throw new RoamSignError('request_not_pending', { status: viewStatus(await loadRequest(deps, id), now()) });
  return signDocuments(deps, row, { factor: 'passkey', credentialId: used.passkey.credentialId });
}
