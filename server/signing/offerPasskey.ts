import { RoamSignError } from '../../shared/errors.js';
import type { PasskeyOffer } from '../../shared/schemas/passkey.js';
import { effectivePolicy } from '../passkeys/passkeyPolicy.js';
import { activePasskeys } from '../passkeys/passkeyStore.js';
import { issueSigningChallenge } from '../passkeys/signingChallenge.js';
import { findOfficer } from '../registry/officers.js';
import { checkSameOrigin } from './checkSameOrigin.js';
import type { Caller, SigningDeps } from './deps.js';
import { loadSettled, viewStatus } from './requestStore.js';

/**
 * What the dialog may offer for request `id` (issue 11): the policy, and when the officer has a
 * passkey and policy allows it, a fresh assertion challenge bound to the request.
 */
export async function offerPasskey(deps: Pick<SigningDeps, 'db' | 'audit' | 'rp' | 'now' | 'onRequestEnded'>, id: string, caller: Caller): Promise<PasskeyOffer> {
  const { db, audit, rp, now } = deps;
  const row = await loadSettled(deps, id);
  checkSameOrigin(row, caller);
  if (viewStatus(row, now()) !== 'pending' || row.status !== 'pending') throw new RoamSignError('request_not_pending', { status: viewStatus(row, now()) });
  const officer = await findOfficer(db, row.nric);
  if (!officer) throw new RoamSignError('user_not_found');
  const passkeyPolicy = await effectivePolicy(db, { system: row.system, agencyCode: officer.agencyCode });
  const keys = passkeyPolicy === 'otp' ? [] : await activePasskeys(db, { type: 'officer', id: row.nric });
  if (!keys.length) return { policy: passkeyPolicy, options: null };
  const challenge = await issueSigningChallenge(db, row, now());
  await audit.append({ actor: 'system', action: 'passkey.challenge_issued', subject: id, details: {} });
  return {
    policy: passkeyPolicy,
    options: {
      challenge,
      rpId: rp.id,
      timeout: Math.max(1000, row.otpExpiresAt - now()),
      userVerification: 'required',
      allowCredentials: keys.map((k) => ({ id: k.credentialId, type: 'public-key' as const, transports: k.transports })),
    },
  };
}
