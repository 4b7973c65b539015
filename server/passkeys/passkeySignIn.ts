import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { RoamSignError } from '../../shared/errors.js';
import type { PasskeyDeps } from './deps.js';
import { CEREMONY_TTL_MS, randomChallenge, storeChallenge, takeChallenge } from './passkeyChallenges.js';
import { activePasskeys, type Passkey, type PasskeySubject } from './passkeyStore.js';
import { notifyPasskeyChange } from './managePasskeys.js';
import { relyingPartyOf } from './relyingParty.js';
import { verifyPasskeyAssertion } from './verifyPasskeyAssertion.js';
import { refuseSpent } from '../limits/refuseSpent.js';
import { takeHits } from '../limits/takeHits.js';

/**
 * Anonymous sign-in ceremonies (no MyKad number typed) per source address in 15 minutes: each
 * stores a challenge row, so a caller may not create them without bound (the sweeper drops them).
 */
export const ANONYMOUS_CEREMONIES_PER_ADDRESS = 30;
const CEREMONY_WINDOW_MS = 15 * 60 * 1000;

/**
 * A sign-in ceremony (issue 11). Without `subject` the browser offers any discoverable RoamSign
 * passkey of a subject of `subjectType` (officers: no MyKad number typed); with it, only that
 * subject's passkeys (an administrator's second factor after the password).
 */
export async function startPasskeySignIn(
  deps: PasskeyDeps,
  input: { subjectType: PasskeySubject['type']; subject?: PasskeySubject; address?: string | null },
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  if (!input.subject) {
    const bucket = { key: `passkey-ceremony:${input.address ?? 'unknown'}`, limit: ANONYMOUS_CEREMONIES_PER_ADDRESS, windowMs: CEREMONY_WINDOW_MS };
    const taken = await takeHits(deps.db, [bucket], deps.now());
    if (!taken.ok) throw refuseSpent(taken);
  }
  const rp = relyingPartyOf(deps.config.publicUrl);
  const keys = input.subject ? await activePasskeys(deps.db, input.subject) : [];
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    challenge: randomChallenge(),
    timeout: CEREMONY_TTL_MS,
    userVerification: 'required',
    allowCredentials: keys.map((k) => ({ id: k.credentialId, transports: k.transports as never })),
  });
  const now = deps.now();
  const challengeId = await storeChallenge(
    deps.db,
    { purpose: 'sign_in', subjectType: input.subjectType, subjectId: input.subject?.id ?? null, requestId: null, challenge: options.challenge, expiresAt: now + CEREMONY_TTL_MS },
    now,
  );
  return { challengeId, options };
}

/** Verifies the sign-in assertion; returns the passkey, whose subject signs in. */
export async function finishPasskeySignIn(deps: PasskeyDeps, input: { challengeId: string; response: unknown; subjectType: PasskeySubject['type']; subject?: PasskeySubject }): Promise<Passkey> {
  const { passkey } = await verifyPasskeyAssertion({
    db: deps.db,
    audit: deps.audit,
    rp: relyingPartyOf(deps.config.publicUrl),
    response: input.response,
    ...(input.subject ? { subject: input.subject } : {}),
    subjectType: input.subjectType,
    takeChallenge: async (echoed) => {
      const taken = await takeChallenge(deps.db, { id: input.challengeId, purpose: 'sign_in', echoed }, deps.now());
      if (taken.subjectType !== input.subjectType || (taken.subjectId ?? undefined) !== input.subject?.id) throw new RoamSignError('passkey_challenge_replayed');
    },
    onSuspended: (suspended) => notifyPasskeyChange(deps, suspended, 'suspended'),
    now: deps.now,
  });
  return passkey;
}
