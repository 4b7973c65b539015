import crypto from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Db } from '../db/database.js';
import { deriveKey } from './masterKey.js';
import { hashPin, verifyPin } from './pinVerifier.js';
import { EC_SIGN_ALGORITHM, RSA_SIGN_ALGORITHM, type Vault } from './vault.js';

/** Sessions kept open on the token: one operation each at a time, so this many signatures run in parallel. */
const SESSION_POOL = 4;
const RSA_BITS = 2048;
const PUBLIC_EXPONENT = Buffer.from([0x01, 0x00, 0x01]);

type Handle = Buffer;

/** DER OID prime256v1 (secp256r1), the CKA_EC_PARAMS of a P-256 key. */
const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');
/** SPKI prefix of a P-256 public key (id-ecPublicKey, prime256v1, BIT STRING of the 65-byte point). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

/** A DER INTEGER of an unsigned big-endian value. */
function derInteger(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  let body = value.subarray(start);
  if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([Buffer.from([0x02, body.length]), body]);
}

/** PKCS#11 gives ECDSA signatures as r || s; CMS and X.509 want Ecdsa-Sig-Value (RFC 5480 §2.2.3). */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  const half = raw.length / 2;
  const r = derInteger(Buffer.from(raw.subarray(0, half)));
  const s = derInteger(Buffer.from(raw.subarray(half)));
  return Buffer.concat([Buffer.from([0x30, r.length + s.length]), r, s]);
}

export interface Pkcs11VaultOptions {
  db: Db;
  masterKey: Buffer;
  pinScryptN: number;
  /** Path of the vendor's PKCS#11 library (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so). */
  library: string;
  /** The token's label; or `slot`, an index into the slots holding a token. Default: the first token. */
  slotLabel?: string;
  slot?: number;
  /** The token's user PIN; never logged nor kept beyond login. */
  userPin: string;
}

/**
 * A PKCS#11 library is initialised once per process (C_Initialize twice fails): vaults over the
 * same library share the module, and C_Finalize runs when the last of them closes.
 */
const loaded = new Map<string, { module: pkcs11js.PKCS11; users: number }>();

function acquireModule(library: string): pkcs11js.PKCS11 {
  const entry = loaded.get(library);
  if (entry) {
    entry.users++;
    return entry.module;
  }
  const module = new pkcs11js.PKCS11();
  module.load(library);
  try {
    // Signatures run in libuv's pool: the library must do its own locking.
    module.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (error) {
    if (!(error instanceof pkcs11js.Pkcs11Error && error.code === pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED)) throw error;
  }
  loaded.set(library, { module, users: 1 });
  return module;
}

function releaseModule(library: string): void {
  const entry = loaded.get(library);
  if (!entry) return;
  if (--entry.users > 0) return;
  loaded.delete(library);
  try {
    entry.module.C_Finalize();
  } finally {
    entry.module.close();
  }
}

function findSlot(module: pkcs11js.PKCS11, options: Pick<Pkcs11VaultOptions, 'library' | 'slotLabel' | 'slot'>): Handle {
  const slots = module.C_GetSlotList(true);
  if (options.slotLabel !== undefined) {
    const slot = slots.find((s) => module.C_GetTokenInfo(s).label.trim() === options.slotLabel);
    if (!slot) throw new Error(`pkcs11 vault: no token labelled "${options.slotLabel}" in ${options.library}`);
    return slot;
  }
  const slot = slots[options.slot ?? 0];
  if (!slot) throw new Error(`pkcs11 vault: no token in slot index ${options.slot ?? 0} of ${options.library}`);
  return slot;
}

/** The key reference as a CKA_ID. */
function idOf(keyRef: string): Buffer {
  return Buffer.from(keyRef, 'utf8');
}

/**
 * The HSM vault (DESIGN.md "Key custody"): RSA keys are generated in the token as sensitive,
 * non-extractable token objects and every signature is made by the token (CKM_SHA256_RSA_PKCS);
 * the database holds no key material. The PIN verifier is the same scrypt + pepper one as the
 * soft vault's, its pepper derived from the master key.
 */
export function createPkcs11Vault(options: Pkcs11VaultOptions): Vault {
  const { masterKey, pinScryptN, library } = options;
  const pepper = deriveKey(masterKey, 'pin-pepper');
  const module = acquireModule(library);

  const sessions: Handle[] = [];
  try {
    const slot = findSlot(module, options);
    const flags = pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION;
    for (let i = 0; i < SESSION_POOL; i++) sessions.push(module.C_OpenSession(slot, flags));
    try {
      // Login is per token and application: once covers every session.
      module.C_Login(sessions[0]!, pkcs11js.CKU_USER, options.userPin);
    } catch (error) {
      if (!(error instanceof pkcs11js.Pkcs11Error && error.code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN)) {
        // The library's message names the return code only; the PIN never reaches an error or a log.
        throw new Error(`pkcs11 vault: login to the token failed (${(error as Error).message})`);
      }
    }
  } catch (error) {
    for (const session of sessions) module.C_CloseSession(session);
    releaseModule(library);
    throw error;
  }

  // A session runs one operation at a time: callers wait for a free one.
  const free = [...sessions];
  const waiting: ((session: Handle) => void)[] = [];
  let closed = false;

  async function withSession<T>(use: (session: Handle) => Promise<T> | T): Promise<T> {
    if (closed) throw new Error('pkcs11 vault: closed');
    const session = free.pop() ?? (await new Promise<Handle>((resolve) => waiting.push(resolve)));
    try {
      return await use(session);
    } finally {
      const next = waiting.shift();
      if (next) next(session);
      else free.push(session);
    }
  }

  const privateKeys = new Map<string, Handle>();
  /** Key references of P-256 keys (the time-stamping authority's); every other key is RSA. */
  const ecKeys = new Set<string>();

  function findPrivateKey(session: Handle, keyRef: string): Handle {
    const cached = privateKeys.get(keyRef);
    if (cached) return cached;
    module.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_ID, value: idOf(keyRef) },
    ]);
    let handles: Handle[];
    try {
      handles = module.C_FindObjects(session, 2);
    } finally {
      module.C_FindObjectsFinal(session);
    }
    if (handles.length !== 1) throw new Error(`vault: no key ${keyRef}`);
    const [type] = module.C_GetAttributeValue(session, handles[0]!, [{ type: pkcs11js.CKA_KEY_TYPE }]);
    if (Buffer.from(type!.value as Buffer).readUInt32LE(0) === pkcs11js.CKK_EC) ecKeys.add(keyRef);
    privateKeys.set(keyRef, handles[0]!);
    return handles[0]!;
  }

  async function signOne(session: Handle, key: Handle, data: Uint8Array, ec: boolean): Promise<Uint8Array> {
    if (ec) {
      // CKM_ECDSA over the SHA-256 digest: every token has it (CKM_ECDSA_SHA256 is optional).
      module.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, key);
      const raw = await module.C_SignAsync(session, crypto.createHash('sha256').update(data).digest(), Buffer.alloc(64));
      return new Uint8Array(ecdsaRawToDer(raw));
    }
    module.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
    const signature = await module.C_SignAsync(session, Buffer.from(data.buffer, data.byteOffset, data.byteLength), Buffer.alloc(RSA_BITS / 8));
    return new Uint8Array(signature);
  }

  async function signWith(keyRef: string, items: Uint8Array[]): Promise<Uint8Array[]> {
    const signatures: Uint8Array[] = new Array(items.length);
    let next = 0;
    const lane = () =>
      withSession(async (session) => {
        const key = findPrivateKey(session, keyRef);
        while (next < items.length) {
          const i = next++;
          signatures[i] = await signOne(session, key, items[i]!, ecKeys.has(keyRef));
        }
      });
    // Fail before the lanes for an unknown key.
    await withSession((session) => findPrivateKey(session, keyRef));
    await Promise.all(Array.from({ length: Math.min(SESSION_POOL, items.length) }, lane));
    return signatures;
  }

  /** A P-256 key pair in the token (sensitive, non-extractable private half); its public key. */
  async function generateEcKey(id: Buffer, label: string): Promise<CryptoKey> {
    const { publicKey } = await withSession((session) =>
      module.C_GenerateKeyPairAsync(
        session,
        { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
        [
          { type: pkcs11js.CKA_TOKEN, value: true },
          { type: pkcs11js.CKA_PRIVATE, value: false },
          { type: pkcs11js.CKA_VERIFY, value: true },
          { type: pkcs11js.CKA_EC_PARAMS, value: P256_PARAMS },
          { type: pkcs11js.CKA_ID, value: id },
          { type: pkcs11js.CKA_LABEL, value: label },
        ],
        [
          { type: pkcs11js.CKA_TOKEN, value: true },
          { type: pkcs11js.CKA_PRIVATE, value: true },
          { type: pkcs11js.CKA_SENSITIVE, value: true },
          { type: pkcs11js.CKA_EXTRACTABLE, value: false },
          { type: pkcs11js.CKA_SIGN, value: true },
          { type: pkcs11js.CKA_ID, value: id },
          { type: pkcs11js.CKA_LABEL, value: label },
        ],
      ),
    );
    const [point] = await withSession((session) => module.C_GetAttributeValue(session, publicKey, [{ type: pkcs11js.CKA_EC_POINT }]));
    // CKA_EC_POINT is the DER OCTET STRING of the uncompressed point (04 41 04 x y).
    const octets = Buffer.from(point!.value as Buffer);
    const raw = octets.length === 67 && octets[0] === 0x04 && octets[1] === 0x41 ? octets.subarray(2) : octets;
    return crypto.webcrypto.subtle.importKey('spki', Buffer.concat([P256_SPKI_PREFIX, raw]), EC_SIGN_ALGORITHM, true, ['verify']) as Promise<CryptoKey>;
  }

  return {
    backend: 'pkcs11',

    async generateKey(label, algorithm = 'rsa-2048') {
      const keyRef = `key_${crypto.randomBytes(12).toString('base64url')}`;
      const id = idOf(keyRef);
      if (algorithm === 'ec-p256') return { keyRef, publicKey: await generateEcKey(id, label) };
      const { publicKey } = await withSession((session) =>
        module.C_GenerateKeyPairAsync(
          session,
          { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
          [
            { type: pkcs11js.CKA_TOKEN, value: true },
            { type: pkcs11js.CKA_PRIVATE, value: false },
            { type: pkcs11js.CKA_VERIFY, value: true },
            { type: pkcs11js.CKA_ENCRYPT, value: false },
            { type: pkcs11js.CKA_WRAP, value: false },
            { type: pkcs11js.CKA_MODULUS_BITS, value: RSA_BITS },
            { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: PUBLIC_EXPONENT },
            { type: pkcs11js.CKA_ID, value: id },
            { type: pkcs11js.CKA_LABEL, value: label },
          ],
          [
            { type: pkcs11js.CKA_TOKEN, value: true },
            { type: pkcs11js.CKA_PRIVATE, value: true },
            { type: pkcs11js.CKA_SENSITIVE, value: true },
            { type: pkcs11js.CKA_EXTRACTABLE, value: false },
            { type: pkcs11js.CKA_SIGN, value: true },
            { type: pkcs11js.CKA_DECRYPT, value: false },
            { type: pkcs11js.CKA_UNWRAP, value: false },
            { type: pkcs11js.CKA_ID, value: id },
            { type: pkcs11js.CKA_LABEL, value: label },
          ],
        ),
      );
      const [modulus, exponent] = await withSession((session) =>
        module.C_GetAttributeValue(session, publicKey, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }]),
      );
      const jwk = {
        kty: 'RSA',
        n: Buffer.from(modulus!.value as Buffer).toString('base64url'),
        e: Buffer.from(exponent!.value as Buffer).toString('base64url'),
      };
      const publicCryptoKey = await crypto.webcrypto.subtle.importKey('jwk', jwk, RSA_SIGN_ALGORITHM, true, ['verify']);
      return { keyRef, publicKey: publicCryptoKey as CryptoKey };
    },

    sign: signWith,

    async withCryptoKey(keyRef, use) {
      await withSession((session) => findPrivateKey(session, keyRef));
      // A handle standing for the token key, and a WebCrypto whose sign() with it is made by the
      // token; everything else (digests, public keys) is node's WebCrypto.
      const key = {
        type: 'private',
        extractable: false,
        algorithm: { ...RSA_SIGN_ALGORITHM, hash: { name: RSA_SIGN_ALGORITHM.hash }, modulusLength: RSA_BITS, publicExponent: new Uint8Array(PUBLIC_EXPONENT) },
        usages: ['sign'],
      } as unknown as CryptoKey;
      const subtle = crypto.webcrypto.subtle as unknown as SubtleCrypto;
      const tokenSubtle = new Proxy(subtle, {
        get(target, property) {
          if (property === 'sign') {
            return async (algorithm: AlgorithmIdentifier, signingKey: CryptoKey, data: BufferSource) => {
              if (signingKey !== key) return target.sign(algorithm, signingKey, data);
              const name = typeof algorithm === 'string' ? algorithm : algorithm.name;
              if (name !== RSA_SIGN_ALGORITHM.name) throw new Error(`pkcs11 vault: the CA key signs ${RSA_SIGN_ALGORITHM.name} only, not ${name}`);
              const bytes = ArrayBuffer.isView(data)
                ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
                : new Uint8Array(data);
              const [signature] = await signWith(keyRef, [bytes]);
              return signature!.buffer.slice(signature!.byteOffset, signature!.byteOffset + signature!.byteLength);
            };
          }
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const tokenCrypto = {
        subtle: tokenSubtle,
        getRandomValues: <A extends ArrayBufferView | null>(array: A) => crypto.webcrypto.getRandomValues(array as never) as A,
        randomUUID: () => crypto.randomUUID(),
      } as unknown as Crypto;
      return use(key, tokenCrypto);
    },

    hashPin: (pin) => hashPin(pepper, pin, pinScryptN),
    verifyPin: (pin, verifier) => verifyPin(pepper, pin, verifier),

    close() {
      if (closed) return;
      closed = true;
      // Called at shutdown, once the server has stopped taking requests.
      for (const session of sessions) {
        try {
          module.C_CloseSession(session);
        } catch {
          // closing anyway
        }
      }
      releaseModule(library);
    },
  };
}

/**
 * Checks that the HSM answers (check-config, issue 24): the library loads, the token is there, the
 * user PIN logs in. Throws with the reason; changes nothing on the token.
 */
export function probeToken(options: { library: string; slotLabel: string | undefined; userPin: string }): void {
  const module = acquireModule(options.library);
  try {
    const session = module.C_OpenSession(findSlot(module, options.slotLabel === undefined ? { library: options.library } : { library: options.library, slotLabel: options.slotLabel }), pkcs11js.CKF_SERIAL_SESSION);
    try {
      module.C_Login(session, pkcs11js.CKU_USER, options.userPin);
      module.C_Logout(session);
    } catch (error) {
      if (!(error instanceof pkcs11js.Pkcs11Error && error.code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN)) throw error;
    } finally {
      module.C_CloseSession(session);
    }
  } finally {
    releaseModule(options.library);
  }
}
