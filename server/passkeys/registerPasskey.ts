import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { RoamSignError } from '../../shared/errors.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';
import { CEREMONY_TTL_MS, randomChallenge, storeChallenge, takeChallenge } from './passkeyChallenges.js';
import { findPasskey, listPasskeys, type Passkey, type PasskeySubject } from './passkeyStore.js';
import { attestationAuthData, attestationSchema, parseCeremonyJson, readAuthenticatorData, readClientData } from './readCeremony.js';
import type { RelyingParty } from './relyingParty.js';

export const PASSKEY_NAME_MAX = 60;
/** More is a sign of abuse, not of need: one per device an officer signs from, and spares. */
export const PASSKEYS_MAX = 10;

/**
 * WebAuthn registration options for `subject`: a platform authenticator or a security key, user
 * verification required, a resident (discoverable) key preferred so sign-in needs no MyKad number.
 */
export async function startPasskeyRegistration(options: {
  db: Db;
  rp: RelyingParty;
  subject: PasskeySubject;
  userName: string;
  displayName: string;
  /** `platform`: this device's own authenticator (GPKI Mobile); otherwise any kind. */
  attachment?: 'platform';
  now: number;
}): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const { db, rp, subject, now } = options;
  const existing = await listPasskeys(db, subject);
  if (existing.filter((p) => p.status !== 'revoked').length >= PASSKEYS_MAX) throw new RoamSignError('bad_request', { reason: 'too_many_passkeys' });
  const creation = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: options.userName,
    userDisplayName: options.displayName,
    userID: new TextEncoder().encode(`${subject.type}:${subject.id}`),
    challenge: randomChallenge(),
    timeout: CEREMONY_TTL_MS,
    attestationType: 'none',
    excludeCredentials: existing.filter((p) => p.status !== 'revoked').map((p) => ({ id: p.credentialId, transports: p.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required', ...(options.attachment ? { authenticatorAttachment: options.attachment } : {}) },
  });
  const challengeId = await storeChallenge(
    db,
    { purpose: 'register', subjectType: subject.type, subjectId: subject.id, requestId: null, challenge: creation.challenge, expiresAt: now + CEREMONY_TTL_MS },
    now,
  );
  return { challengeId, options: creation };
}

/** Verifies the browser's attestation (§7.1) against the stored challenge and keeps the credential. */
export async function finishPasskeyRegistration(options: {
  db: Db;
  audit: AuditLog;
  rp: RelyingParty;
  subject: PasskeySubject;
  challengeId: string;
  response: unknown;
  name: string;
  actor: string;
  now: number;
}): Promise<Passkey> {
  const { db, rp, subject, now } = options;
  const name = options.name.trim() || 'Passkey';
  if (name.length > PASSKEY_NAME_MAX) throw new RoamSignError('bad_request', { reason: 'passkey_name' });
  const attestation = parseCeremonyJson(attestationSchema, options.response);
  const { challenge } = readClientData(attestation.response.clientDataJSON, 'webauthn.create', rp);
  readAuthenticatorData(attestationAuthData(attestation), rp);
  const taken = await takeChallenge(db, { id: options.challengeId, purpose: 'register', echoed: challenge }, now);
  if (taken.subjectType !== subject.type || taken.subjectId !== subject.id) throw new RoamSignError('passkey_challenge_replayed');

  let info;
  try {
    const result = await verifyRegistrationResponse({
      response: attestation as Parameters<typeof verifyRegistrationResponse>[0]['response'],
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
    if (!result.verified) throw new Error('not verified');
    info = result.registrationInfo;
  } catch (error) {
    throw new RoamSignError('passkey_malformed', { reason: 'attestation' }, { cause: error });
  }
  if (await findPasskey(db, info.credential.id)) throw new RoamSignError('bad_request', { reason: 'passkey_exists' });
  const row: Passkey = {
    credentialId: info.credential.id,
    subjectType: subject.type,
    subjectId: subject.id,
    publicKey: Buffer.from(info.credential.publicKey),
    counter: info.credential.counter,
    transports: attestation.response.transports ?? [],
    name,
    deviceType: info.credentialDeviceType,
    status: 'active',
    statusReason: null,
    statusAt: null,
    createdAt: now,
    lastUsedAt: null,
  };
  await db.transaction(async () => {
    await db.orm.insert(db.t.passkeys).values(row);
    await options.audit.append({
      actor: options.actor,
      action: 'passkey.registered',
      subject: subject.id,
      details: { subjectType: subject.type, credentialId: row.credentialId, name, deviceType: row.deviceType, aaguid: info.aaguid },
    });
  });
  return row;
}
