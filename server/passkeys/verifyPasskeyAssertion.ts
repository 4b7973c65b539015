import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { and, eq, lt } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';
import { findPasskey, type Passkey, type PasskeySubject } from './passkeyStore.js';
import { assertionAuthData, assertionSchema, parseCeremonyJson, readAuthenticatorData, readClientData } from './readCeremony.js';
import type { RelyingParty } from './relyingParty.js';

export interface VerifiedAssertion {
  passkey: Passkey;
  authenticatorData: Buffer;
  counter: number;
}

/**
 * Verifies a WebAuthn assertion (§7.2) for RoamSign: shape, origin, RP ID, user verification,
 * a live credential of the expected subject, the challenge (taken once by `takeChallenge`), the
 * signature (@simplewebauthn/server), and the signature counter. A counter that goes backwards
 * means a cloned authenticator: the credential is suspended and that is audited.
 */
export async function verifyPasskeyAssertion(options: {
  db: Db;
  audit: AuditLog;
  rp: RelyingParty;
  response: unknown;
  /** Who must own the credential; undefined for a discoverable sign-in (the credential says who). */
  subject?: PasskeySubject;
  /** For a discoverable sign-in: the kind of subject the credential must belong to. */
  subjectType?: PasskeySubject['type'];
  takeChallenge: (echoed: string) => Promise<void>;
  /** The page a framed ceremony may run under (a signing request's origin); none: top-level only. */
  topOrigin?: string;
  /** Tells the owner (e-mail) once a suspension is committed. */
  onSuspended?: (passkey: Passkey) => Promise<void>;
  now: () => number;
}): Promise<VerifiedAssertion> {
  const { db, audit, rp, subject, now } = options;
  const assertion = parseCeremonyJson(assertionSchema, options.response);
  const { challenge } = readClientData(assertion.response.clientDataJSON, 'webauthn.get', rp, options.topOrigin);
  const authData = assertionAuthData(assertion);
  const parsed = readAuthenticatorData(authData, rp);

  const passkey = await findPasskey(db, assertion.id);
  const wrongSubject = (subject && (passkey?.subjectType !== subject.type || passkey.subjectId !== subject.id)) || (options.subjectType && passkey?.subjectType !== options.subjectType);
  if (!passkey || passkey.status !== 'active' || wrongSubject) {
    throw new RoamSignError('passkey_credential_unknown');
  }
  await options.takeChallenge(challenge);

  let verified = false;
  try {
    // Counter 0 here: RoamSign compares counters itself below, after the signature is proved, so a
    // forged assertion cannot suspend someone's credential.
    const result = await verifyAuthenticationResponse({
      response: assertion as Parameters<typeof verifyAuthenticationResponse>[0]['response'],
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      ...(options.topOrigin ? { expectedTopOrigin: options.topOrigin } : {}),
      requireUserVerification: true,
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: 0, transports: passkey.transports as never },
    });
    verified = result.verified;
  } catch (error) {
    throw new RoamSignError('passkey_malformed', { reason: 'signature' }, { cause: error });
  }
  if (!verified) throw new RoamSignError('passkey_malformed', { reason: 'signature' });

  const { passkeys } = db.t;
  // WebAuthn §6.1.1: a counter that does not grow (when either is non-zero) signals a clone. The
  // store is conditional on the counter still being below the presented one, so two assertions
  // racing with the same counter (a clone used at the same moment) cannot both pass the check.
  const counts = parsed.counter > 0 || passkey.counter > 0;
  const stored =
    counts && parsed.counter <= passkey.counter
      ? []
      : await db.orm
          .update(passkeys)
          .set({ counter: parsed.counter, lastUsedAt: now() })
          .where(and(eq(passkeys.credentialId, passkey.credentialId), counts ? lt(passkeys.counter, parsed.counter) : undefined))
          .returning({ id: passkeys.credentialId });
  if (!stored.length) {
    await db.transaction(async () => {
      await db.orm
        .update(passkeys)
        .set({ status: 'suspended', statusReason: 'counter_regression', statusAt: now() })
        .where(and(eq(passkeys.credentialId, passkey.credentialId), eq(passkeys.status, 'active')));
      await audit.append({
        actor: 'system',
        action: 'passkey.suspended',
        subject: passkey.subjectId,
        details: { credentialId: passkey.credentialId, reason: 'counter_regression', stored: passkey.counter, presented: parsed.counter },
      });
    });
    await options.onSuspended?.(passkey).catch(() => undefined); // the suspension stands even if the mail fails
    throw new RoamSignError('passkey_counter_regression');
  }
  return { passkey, authenticatorData: Buffer.from(isoBase64URL.toBuffer(assertion.response.authenticatorData)), counter: parsed.counter };
}
