import crypto from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

// A software WebAuthn authenticator (ES256, attestation "none") for server tests: it builds
// registration and assertion responses in process, and can be told to get one thing wrong at a
// time (origin, RP ID, UV flag, counter). Real browsers are covered by tests/e2e with Chromium's
// CDP virtual authenticator.

interface Credential {
  id: Buffer;
  key: crypto.KeyObject;
  counter: number;
}

export interface CeremonyFaults {
  origin?: string;
  rpId?: string;
  /** false: the UV flag is left clear. */
  uv?: boolean;
  /** Force this counter (a cloned authenticator replays an old one). */
  counter?: number;
  /** Sign a different challenge than asked. */
  challenge?: string;
  /** A ceremony in a cross-origin frame under this top-level page. */
  topOrigin?: string;
}

const b64u = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes));

export class SoftAuthenticator {
  readonly credentials: Credential[] = [];

  constructor(private readonly rp: { id: string; origin: string }) {}

  private authData(rpId: string, flags: number, counter: number, attested?: Buffer): Buffer {
    const head = Buffer.alloc(37);
    crypto.createHash('sha256').update(rpId).digest().copy(head, 0);
    head[32] = flags;
    head.writeUInt32BE(counter, 33);
    return attested ? Buffer.concat([head, attested]) : head;
  }

  private clientData(type: string, challenge: string, origin: string, topOrigin?: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: topOrigin !== undefined, ...(topOrigin ? { topOrigin } : {}) }));
  }

  /** navigator.credentials.create() for these options (RegistrationResponseJSON). */
  create(options: { challenge: string }, faults: CeremonyFaults = {}) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
      ]),
    );
    const id = crypto.randomBytes(16);
    const credIdLength = Buffer.alloc(2);
    credIdLength.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), credIdLength, id, Buffer.from(cose)]);
    const flags = 0x01 | (faults.uv === false ? 0 : 0x04) | 0x40;
    const authData = this.authData(faults.rpId ?? this.rp.id, flags, 0, attested);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', new Uint8Array(authData)]]) as never);
    const clientDataJSON = this.clientData('webauthn.create', faults.challenge ?? options.challenge, faults.origin ?? this.rp.origin);
    this.credentials.push({ id, key: privateKey, counter: 0 });
    return {
      id: b64u(id),
      rawId: b64u(id),
      type: 'public-key' as const,
      response: { clientDataJSON: b64u(clientDataJSON), attestationObject: b64u(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }

  /** navigator.credentials.get() for these options (AuthenticationResponseJSON), with the first credential unless told. */
  get(options: { challenge: string }, faults: CeremonyFaults & { credential?: Credential } = {}) {
    const credential = faults.credential ?? this.credentials[0];
    if (!credential) throw new Error('no credential registered');
    credential.counter += 1;
    const counter = faults.counter ?? credential.counter;
    const flags = 0x01 | (faults.uv === false ? 0 : 0x04);
    const authData = this.authData(faults.rpId ?? this.rp.id, flags, counter);
    const clientDataJSON = this.clientData('webauthn.get', faults.challenge ?? options.challenge, faults.origin ?? this.rp.origin, faults.topOrigin);
    const signed = Buffer.concat([authData, crypto.createHash('sha256').update(clientDataJSON).digest()]);
    const signature = crypto.sign('sha256', signed, credential.key);
    return {
      id: b64u(credential.id),
      rawId: b64u(credential.id),
      type: 'public-key' as const,
      response: { clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authData), signature: b64u(signature), userHandle: b64u(Buffer.from('officer')) },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }
}
