import crypto from 'node:crypto';
import { decodeAttestationObject, decodeClientDataJSON, isoBase64URL, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { z } from 'zod';
import { RoamSignError } from '../../shared/errors.js';
import type { RelyingParty } from './relyingParty.js';

// The checks RoamSign makes itself before @simplewebauthn/server verifies the signature, so that
// each way a ceremony can be wrong has its own stable error code (issue 11, "Bad input").

const b64url = z.string().min(1).max(65_536).regex(/^[A-Za-z0-9_-]+={0,2}$/);
/** A credential id: WebAuthn L3 §7.1 refuses ids over 1,023 bytes (1,364 base64url characters). */
const credentialId = b64url.max(1364);

export const assertionSchema = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  response: z.object({ clientDataJSON: b64url, authenticatorData: b64url, signature: b64url, userHandle: b64url.optional() }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

export const attestationSchema = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    transports: z.array(z.string().max(32)).max(10).optional(),
  }).passthrough(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

export type AssertionJson = z.infer<typeof assertionSchema>;
export type AttestationJson = z.infer<typeof attestationSchema>;

const malformed = (reason: string, cause?: unknown) => new RoamSignError('passkey_malformed', { reason }, { cause });

/** Parses a browser's JSON (object or string) with `schema`; anything else is passkey_malformed. */
export function parseCeremonyJson<T>(schema: z.ZodType<T>, value: unknown): T {
  let input = value;
  if (typeof value === 'string') {
    try {
      input = JSON.parse(value);
    } catch (error) {
      throw malformed('json', error);
    }
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw malformed('shape');
  return parsed.data;
}

/**
 * WebAuthn §7.1/§7.2 steps 7-9: type and origin of clientDataJSON; returns the echoed challenge.
 * A ceremony in a cross-origin frame (the widget's dialog in an agency page) must name
 * `topOrigin` as its top-level origin; anywhere else a cross-origin ceremony is refused.
 */
export function readClientData(clientDataJSON: string, type: 'webauthn.create' | 'webauthn.get', rp: RelyingParty, topOrigin?: string): { challenge: string } {
  let decoded: unknown;
  try {
    decoded = decodeClientDataJSON(clientDataJSON);
  } catch (error) {
    throw malformed('client_data', error);
  }
  // JSON that is not an object (`null`, a number, a list) is as malformed as no JSON (issue 17: `null` gave 500).
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) throw malformed('client_data');
  const data = decoded as { type?: unknown; challenge?: unknown; origin?: unknown; crossOrigin?: unknown; topOrigin?: unknown };
  if (data.type !== type || typeof data.challenge !== 'string' || typeof data.origin !== 'string') throw malformed('client_data');
  if (data.origin !== rp.origin) throw new RoamSignError('passkey_origin_mismatch');
  if (data.crossOrigin === true && (topOrigin === undefined || data.topOrigin !== topOrigin)) throw new RoamSignError('passkey_origin_mismatch', { reason: 'top_origin' });
  return { challenge: data.challenge };
}

/** WebAuthn §7.2 steps 15-17: RP ID hash and the UV flag. Returns the parsed authenticator data. */
export function readAuthenticatorData(authData: Uint8Array<ArrayBuffer>, rp: RelyingParty): ReturnType<typeof parseAuthenticatorData> {
  let parsed: ReturnType<typeof parseAuthenticatorData>;
  try {
    parsed = parseAuthenticatorData(authData);
  } catch (error) {
    throw malformed('authenticator_data', error);
  }
  const expected = crypto.createHash('sha256').update(rp.id).digest();
  if (!expected.equals(Buffer.from(parsed.rpIdHash))) throw new RoamSignError('passkey_rp_id_mismatch');
  // User verification is required everywhere in RoamSign: the passkey stands for "something you are / know" on the device.
  if (!parsed.flags.up || !parsed.flags.uv) throw new RoamSignError('passkey_uv_missing');
  return parsed;
}

export function assertionAuthData(assertion: AssertionJson): Uint8Array<ArrayBuffer> {
  try {
    return isoBase64URL.toBuffer(assertion.response.authenticatorData);
  } catch (error) {
    throw malformed('authenticator_data', error);
  }
}

export function attestationAuthData(attestation: AttestationJson): Uint8Array<ArrayBuffer> {
  try {
    const decoded = decodeAttestationObject(isoBase64URL.toBuffer(attestation.response.attestationObject));
    return decoded.get('authData');
  } catch (error) {
    throw malformed('attestation_object', error);
  }
}
