import crypto from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import fc from 'fast-check';

// Generators for the inner structures a caller sends (issue 17, Deliver item 6): a WebAuthn
// assertion or registration, or a CMS signature, built valid and then changed inside:
// clientDataJSON's values, types and keys; authenticatorData's RP ID hash, flags, counter and
// length; the attestation object's CBOR (fmt, attStmt, the attested credential, the COSE key);
// the CMS DER (cut at a TLV edge, bits flipped, lengths, tags, OIDs and integers replaced).
// A plan is drawn first (fast-check, fixed seed) and applied to a fresh challenge at run time.

const b64u = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes));
const sha256 = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest();

/** A value that is not what the field should be: other types, near misses, hostile strings. */
const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, '', ' ', '\u0000', '__proto__', { challenge: 'x' }, ['webauthn.get'], 'webauthn.create', 'webauthn.get', 'http://localhost:8787/', 'https://evil.example', 'http://LOCALHOST:8787', 'x'.repeat(70_000)),
);

const CLIENT_DATA_KEYS = ['type', 'challenge', 'origin', 'crossOrigin', 'topOrigin', 'tokenBinding'] as const;

/** How clientDataJSON is changed: a key set to another value or removed, or the whole JSON replaced. */
export type ClientDataEdit =
  | { kind: 'none' }
  | { kind: 'set'; key: string; value: unknown }
  | { kind: 'remove'; key: string }
  | { kind: 'whole'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array };

const clientDataEdit: fc.Arbitrary<ClientDataEdit> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), key: fc.oneof(fc.constantFrom(...CLIENT_DATA_KEYS), fc.constantFrom('__proto__', 'constructor'), fc.string({ maxLength: 8 })), value: oddValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), key: fc.constantFrom(...CLIENT_DATA_KEYS) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('whole' as const),
      text: fc.oneof(
        fc.constantFrom('null', '0', '"x"', '[]', '[{}]', 'true', '{}', '{', '', ' ', '{"type":"webauthn.get","type":"webauthn.get"}', '{"__proto__":{"type":"webauthn.get"}}', '['.repeat(3000) + ']'.repeat(3000), '\ufeff{}'),
        fc.json({ maxDepth: 3 }),
        fc.string({ maxLength: 40 }),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ minLength: 0, maxLength: 64 }) }) },
);

function clientDataBytes(base: Record<string, unknown>, edit: ClientDataEdit): Buffer {
  switch (edit.kind) {
    case 'none':
      return Buffer.from(JSON.stringify(base));
    case 'set':
      // defineProperty: a key named __proto__ becomes an own key, as JSON.parse would make it.
      return Buffer.from(JSON.stringify(Object.defineProperty({ ...base }, edit.key, { value: edit.value, enumerable: true })) ?? 'null');
    case 'remove':
      return Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(base).filter(([k]) => k !== edit.key))));
    case 'whole':
      return Buffer.from(edit.text);
    case 'bytes':
      return Buffer.from(edit.bytes);
  }
}

/** How authenticatorData is changed: RP ID hash, flags, counter, length, extensions. */
export type AuthDataEdit =
  | { kind: 'none' }
  | { kind: 'rpIdHash'; at: number; xor: number }
  | { kind: 'rpIdOf'; rpId: string }
  | { kind: 'flags'; flags: number }
  | { kind: 'counter'; counter: number }
  | { kind: 'cut'; length: number }
  | { kind: 'append'; bytes: Uint8Array; extensionFlag: boolean }
  | { kind: 'empty' };

const authDataEdit: fc.Arbitrary<AuthDataEdit> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rpIdHash' as const), at: fc.nat({ max: 31 }), xor: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rpIdOf' as const), rpId: fc.constantFrom('evil.example', 'LOCALHOST', 'localhost.', '', 'http://localhost:8787') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flags' as const), flags: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('counter' as const), counter: fc.constantFrom(0, 1, 1_000_000, 2_000_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cut' as const), length: fc.nat({ max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('append' as const), bytes: fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(new Uint8Array([0xa0]), new Uint8Array([0xa1, 0x63, 0x66, 0x6f, 0x6f, 0xf5]), new Uint8Array([0xbf]), new Uint8Array([0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))), extensionFlag: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
);

function authData(rpId: string, flags: number, counter: number, rest: Buffer, edit: AuthDataEdit): Buffer {
  const head = Buffer.alloc(37);
  sha256(edit.kind === 'rpIdOf' ? edit.rpId : rpId).copy(head, 0);
  head[32] = edit.kind === 'flags' ? edit.flags : edit.kind === 'append' && edit.extensionFlag ? flags | 0x80 : flags;
  head.writeUInt32BE(edit.kind === 'counter' ? edit.counter : counter, 33);
  if (edit.kind === 'rpIdHash') head[edit.at]! ^= edit.xor;
  const whole = Buffer.concat([head, rest, edit.kind === 'append' ? Buffer.from(edit.bytes) : Buffer.alloc(0)]);
  if (edit.kind === 'cut') return whole.subarray(0, edit.length);
  if (edit.kind === 'empty') return Buffer.alloc(0);
  return whole;
}

/** Changes to the assertion around the two structures: the signature, the credential id, the user handle. */
export type AssertionEdit =
  | { kind: 'none' }
  | { kind: 'signatureBytes'; bytes: Uint8Array }
  | { kind: 'signatureFlip'; at: number; bit: number }
  | { kind: 'signatureCut'; length: number }
  | { kind: 'unknownId'; id: string }
  | { kind: 'userHandle'; value: string };

const assertionEdit: fc.Arbitrary<AssertionEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('signatureBytes' as const), bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.constantFrom(new Uint8Array([0x30, 0x00]), new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]), new Uint8Array([0x30, 0x80]))) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('signatureFlip' as const), at: fc.nat({ max: 71 }), bit: fc.nat({ max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('signatureCut' as const), length: fc.nat({ max: 70 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknownId' as const), id: fc.constantFrom('AAAA', 'A', 'A'.repeat(1364), '_-_-', 'AAAAAAAAAAAAAAAAAAAAAA') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('userHandle' as const), value: fc.constantFrom('A', 'AA', '_', 'AAAA'.repeat(100)) }) },
);

export interface AssertionPlan {
  clientData: ClientDataEdit;
  authData: AuthDataEdit;
  assertion: AssertionEdit;
  /** Sign what was changed (the signature holds and the server's own checks are reached) or the original (the signature fails). */
  signChanged: boolean;
}

const unchanged = { kind: 'none' as const };

/** Mostly one layer changed at a time (so the runs reach each check behind the others), sometimes all. */
export const assertionPlan: fc.Arbitrary<AssertionPlan> = fc.oneof(
  fc.record({ clientData: clientDataEdit, authData: fc.constant(unchanged), assertion: fc.constant(unchanged), signChanged: fc.boolean() }),
  fc.record({ clientData: fc.constant(unchanged), authData: authDataEdit, assertion: fc.constant(unchanged), signChanged: fc.boolean() }),
  fc.record({ clientData: fc.constant(unchanged), authData: fc.constant(unchanged), assertion: assertionEdit, signChanged: fc.constant(true) }),
  fc.record({ clientData: clientDataEdit, authData: authDataEdit, assertion: assertionEdit, signChanged: fc.boolean() }),
);

/** The credential a SoftAuthenticator holds (id, private key, counter). */
export interface HeldCredential {
  id: Buffer;
  key: crypto.KeyObject;
  counter: number;
}

/** A WebAuthn assertion (AuthenticationResponseJSON) for `challenge`, changed as `plan` says. */
export function plannedAssertion(credential: HeldCredential, rp: { id: string; origin: string }, challenge: string, plan: AssertionPlan) {
  credential.counter += 1;
  const base = { type: 'webauthn.get', challenge, origin: rp.origin, crossOrigin: false };
  const flags = 0x01 | 0x04;
  const changedClient = clientDataBytes(base, plan.clientData);
  const changedAuth = authData(rp.id, flags, credential.counter, Buffer.alloc(0), plan.authData);
  const signedClient = plan.signChanged ? changedClient : clientDataBytes(base, { kind: 'none' });
  const signedAuth = plan.signChanged ? changedAuth : authData(rp.id, flags, credential.counter, Buffer.alloc(0), { kind: 'none' });
  // A counter the credential signed moves it on (WebAuthn §6.1.1): the next ones must be above it.
  if (plan.signChanged && plan.authData.kind === 'counter') credential.counter = Math.max(credential.counter, plan.authData.counter);
  const genuine = crypto.sign('sha256', Buffer.concat([signedAuth, sha256(signedClient)]), credential.key);
  let signature = Buffer.from(genuine);
  const edit = plan.assertion;
  if (edit.kind === 'signatureBytes') signature = Buffer.from(edit.bytes);
  if (edit.kind === 'signatureFlip') signature[edit.at % signature.length]! ^= 1 << edit.bit;
  if (edit.kind === 'signatureCut') signature = signature.subarray(0, edit.length);
  const id = edit.kind === 'unknownId' ? edit.id : b64u(credential.id);
  const response: Record<string, string> = { clientDataJSON: b64u(changedClient), authenticatorData: b64u(changedAuth), signature: b64u(signature) };
  if (edit.kind === 'userHandle') response['userHandle'] = edit.value;
  else response['userHandle'] = b64u(Buffer.from('officer'));
  // Forged: what is sent is not what the credential signed, or not its signature, or not its id.
  const forged = !changedClient.equals(signedClient) || !changedAuth.equals(signedAuth) || !signature.equals(genuine) || edit.kind === 'unknownId';
  return { forged, credential: { id, rawId: id, type: 'public-key', response, clientExtensionResults: {}, authenticatorAttachment: 'platform' } };
}

/** How the attestation object (CBOR) is changed. */
export type AttestationEdit =
  | { kind: 'none' }
  | { kind: 'fmt'; value: unknown }
  | { kind: 'attStmt'; value: unknown }
  | { kind: 'dropKey'; key: 'fmt' | 'attStmt' | 'authData' }
  | { kind: 'authDataType'; value: unknown }
  | { kind: 'credIdLength'; length: number }
  | { kind: 'atFlagClear' }
  | { kind: 'cose'; entries: [number, unknown][] }
  | { kind: 'coseBytes'; bytes: Uint8Array }
  | { kind: 'notAMap'; value: unknown }
  | { kind: 'cborCut'; length: number }
  | { kind: 'cborFlip'; at: number; bit: number };

const cborValue = fc.oneof(fc.constantFrom<unknown>(null, 0, -7, 'packed', 'tpm', 'fido-u2f', 'android-key', 'apple', 'none', '', new Uint8Array([1, 2]), [], new Map()), fc.string({ maxLength: 12 }), fc.integer());

const attestationEdit: fc.Arbitrary<AttestationEdit> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fmt' as const), value: cborValue }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('attStmt' as const),
      value: fc.oneof(
        cborValue,
        fc.constantFrom<unknown>(
          new Map<string, unknown>([['alg', -7], ['sig', new Uint8Array(8)]]),
          new Map<string, unknown>([['alg', -7], ['sig', new Uint8Array(8)], ['x5c', [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])]]]),
          new Map<string, unknown>([['x5c', 'not a list']]),
          new Map<string, unknown>([['ver', '2.0'], ['alg', -65535]]),
        ),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropKey' as const), key: fc.constantFrom('fmt' as const, 'attStmt' as const, 'authData' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('authDataType' as const), value: cborValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('credIdLength' as const), length: fc.constantFrom(0, 1, 15, 17, 1023, 1024, 0xffff) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'atFlagClear' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('cose' as const),
      entries: fc.array(fc.tuple(fc.constantFrom(1, 3, -1, -2, -3, 2, 4), fc.oneof(fc.constantFrom<unknown>(1, 2, 3, 4, -7, -8, -257, -35, 6, 'x', null, new Uint8Array(0), new Uint8Array(31), new Uint8Array(33)), fc.uint8Array({ maxLength: 40 }))), { minLength: 0, maxLength: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('coseBytes' as const), bytes: fc.uint8Array({ maxLength: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('notAMap' as const), value: cborValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cborCut' as const), length: fc.nat({ max: 220 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cborFlip' as const), at: fc.nat({ max: 220 }), bit: fc.nat({ max: 7 }) }) },
);

export interface RegistrationPlan {
  clientData: ClientDataEdit;
  authData: AuthDataEdit;
  attestation: AttestationEdit;
}

export const registrationPlan: fc.Arbitrary<RegistrationPlan> = fc.oneof(
  fc.record({ clientData: clientDataEdit, authData: fc.constant(unchanged), attestation: fc.constant(unchanged) }),
  fc.record({ clientData: fc.constant(unchanged), authData: authDataEdit, attestation: fc.constant(unchanged) }),
  { weight: 2, arbitrary: fc.record({ clientData: fc.constant(unchanged), authData: fc.constant(unchanged), attestation: attestationEdit }) },
  fc.record({ clientData: clientDataEdit, authData: authDataEdit, attestation: attestationEdit }),
);

function coseKey(publicKey: crypto.KeyObject): Map<number, unknown> {
  const jwk = publicKey.export({ format: 'jwk' });
  return new Map<number, unknown>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
    [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
  ]);
}

/** A WebAuthn registration (RegistrationResponseJSON) for `challenge`, changed as `plan` says. */
export function plannedRegistration(rp: { id: string; origin: string }, challenge: string, plan: RegistrationPlan) {
  const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const edit = plan.attestation;
  let cose: Buffer;
  if (edit.kind === 'cose') cose = Buffer.from(isoCBOR.encode(new Map(edit.entries) as never));
  else if (edit.kind === 'coseBytes') cose = Buffer.from(edit.bytes);
  else cose = Buffer.from(isoCBOR.encode(coseKey(publicKey) as never));
  const id = crypto.randomBytes(16);
  const idLength = Buffer.alloc(2);
  idLength.writeUInt16BE(edit.kind === 'credIdLength' ? edit.length : id.length);
  const attested = Buffer.concat([Buffer.alloc(16), idLength, id, cose]);
  const flags = 0x01 | 0x04 | (edit.kind === 'atFlagClear' ? 0 : 0x40);
  const auth = authData(rp.id, flags, 0, attested, plan.authData);
  const entries = new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', new Uint8Array(auth)]]);
  if (edit.kind === 'fmt') entries.set('fmt', edit.value);
  if (edit.kind === 'attStmt') entries.set('attStmt', edit.value);
  if (edit.kind === 'authDataType') entries.set('authData', edit.value);
  if (edit.kind === 'dropKey') entries.delete(edit.key);
  let attestationObject = Buffer.from(isoCBOR.encode((edit.kind === 'notAMap' ? edit.value : entries) as never));
  if (edit.kind === 'cborCut') attestationObject = attestationObject.subarray(0, edit.length);
  if (edit.kind === 'cborFlip') attestationObject[edit.at % attestationObject.length]! ^= 1 << edit.bit;
  const clientData = clientDataBytes({ type: 'webauthn.create', challenge, origin: rp.origin, crossOrigin: false }, plan.clientData);
  return {
    id: b64u(id),
    rawId: b64u(id),
    type: 'public-key',
    response: { clientDataJSON: b64u(clientData), attestationObject: b64u(attestationObject), transports: ['internal'] },
    clientExtensionResults: {},
    authenticatorAttachment: 'platform',
  };
}

// CMS (DER): a TLV walk, then edits at the structure's own joints.

interface Tlv {
  at: number;
  tag: number;
  lengthAt: number;
  start: number;
  end: number;
}

/** Every TLV of a DER encoding, outer first (constructed ones walked into). */
export function tlvs(der: Buffer, from = 0, to = der.length, out: Tlv[] = []): Tlv[] {
  let at = from;
  while (at + 2 <= to) {
    const tag = der[at]!;
    let length = der[at + 1]!;
    let start = at + 2;
    if (length & 0x80) {
      const n = length & 0x7f;
      if (n === 0 || n > 4 || start + n > to) return out;
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + der[start + i]!;
      start += n;
    }
    const end = start + length;
    if (end > to) return out;
    out.push({ at, tag, lengthAt: at + 1, start, end });
    if (tag & 0x20) tlvs(der, start, end, out);
    at = end;
  }
  return out;
}

/** OIDs (DER content) of a CMS signature's kind, grouped so one can stand in for another of the same length. */
const OIDS = [
  '2a864886f70d010702', // signedData
  '2a864886f70d010701', // data
  '2a864886f70d010903', // contentType
  '2a864886f70d010904', // messageDigest
  '2a864886f70d010905', // signingTime
  '2a864886f70d01010b', // sha256WithRSAEncryption
  '2a864886f70d01010d', // sha512WithRSAEncryption
  '2a864886f70d010101', // rsaEncryption
  '608648016503040201', // sha256
  '608648016503040202', // sha384
  '608648016503040203', // sha512
  '2a8648ce3d040302', // ecdsa-with-SHA256
  '2a8648ce3d020106', // not an OID anyone uses
  '2b0e03021a', // sha1
  '550403', // commonName
  '55040a', // organizationName
].map((hex) => Buffer.from(hex, 'hex'));

export type CmsEdit =
  | { kind: 'cutAtTlv'; pick: number; inside: boolean }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'oid'; pick: number; with: number; sameLength: boolean }
  | { kind: 'length'; pick: number; value: number }
  | { kind: 'tag'; pick: number; tag: number }
  | { kind: 'integer'; pick: number; fill: number }
  | { kind: 'dropTlv'; pick: number };

export const cmsEdits: fc.Arbitrary<CmsEdit[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('cutAtTlv' as const), pick: fc.nat(), inside: fc.boolean() }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
    fc.record({ kind: fc.constant('oid' as const), pick: fc.nat(), with: fc.nat(), sameLength: fc.boolean() }),
    fc.record({ kind: fc.constant('length' as const), pick: fc.nat(), value: fc.oneof(fc.nat({ max: 0x7f }), fc.constantFrom(0x80, 0x81, 0x84, 0x85, 0xff)) }),
    fc.record({ kind: fc.constant('tag' as const), pick: fc.nat(), tag: fc.constantFrom(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x17, 0x18, 0x30, 0x31, 0xa0, 0xa1, 0x80, 0x1f, 0xff) }),
    fc.record({ kind: fc.constant('integer' as const), pick: fc.nat(), fill: fc.constantFrom(0x00, 0x80, 0xff) }),
    fc.record({ kind: fc.constant('dropTlv' as const), pick: fc.nat() }),
  ),
  { minLength: 1, maxLength: 3 },
);

/** The signature (base64 DER) with `edits` applied one after the other. */
export function editedCms(base64: string, edits: CmsEdit[]): string {
  let der = Buffer.from(base64, 'base64');
  for (const edit of edits) {
    const all = tlvs(der);
    if (!all.length) break;
    const pickOf = <T>(list: T[], n: number): T | undefined => list[n % list.length];
    switch (edit.kind) {
      case 'cutAtTlv': {
        const t = pickOf(all, edit.pick)!;
        der = der.subarray(0, edit.inside ? t.start : t.at);
        break;
      }
      case 'flip':
        der = Buffer.from(der);
        der[edit.at % der.length]! ^= 1 << edit.bit;
        break;
      case 'oid': {
        const oids = all.filter((t) => t.tag === 0x06);
        const t = pickOf(oids, edit.pick);
        if (!t) break;
        const length = t.end - t.start;
        const pool = edit.sameLength ? OIDS.filter((o) => o.length === length) : OIDS;
        const other = pickOf(pool, edit.with);
        if (!other) break;
        // Another length leaves the outer lengths wrong: the parser must still say no, not fail.
        der = Buffer.concat([der.subarray(0, t.start), other, der.subarray(t.end)]);
        if (other.length !== length && other.length < 0x80) der[t.lengthAt] = other.length;
        break;
      }
      case 'length': {
        const t = pickOf(all, edit.pick)!;
        der = Buffer.from(der);
        der[t.lengthAt] = edit.value;
        break;
      }
      case 'tag': {
        const t = pickOf(all, edit.pick)!;
        der = Buffer.from(der);
        der[t.at] = edit.tag;
        break;
      }
      case 'integer': {
        const t = pickOf(all.filter((x) => x.tag === 0x02), edit.pick);
        if (!t) break;
        der = Buffer.from(der);
        der.fill(edit.fill, t.start, t.end);
        break;
      }
      case 'dropTlv': {
        const t = pickOf(all.slice(1), edit.pick);
        if (!t) break;
        der = Buffer.concat([der.subarray(0, t.at), der.subarray(t.end)]);
        break;
      }
    }
  }
  return der.toString('base64');
}
