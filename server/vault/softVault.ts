import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { deriveKey } from './masterKey.js';
import { hashPin, verifyPin } from './pinVerifier.js';
import { EC_SIGN_ALGORITHM, RSA_SIGN_ALGORITHM, type Vault } from './vault.js';

/** Signatures of one call in libuv's pool at a time: twice its default 4 threads keeps it busy. */
const SIGN_WINDOW = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AlgorithmIdentifier { rsaEncryption, NULL } as every PKCS#8 RSA key written by OpenSSL carries it. */
const RSA_ALGORITHM_ID = Buffer.from('06092a864886f70d0101010500', 'hex');

/** One DER TLV at `at`: its tag and where its content starts and ends (null if malformed). */
function derTlv(der: Uint8Array, at: number): { tag: number; start: number; end: number } | null {
  if (at + 2 > der.length) return null;
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes < 1 || bytes > 3 || start + bytes > der.length) return null;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  const end = start + length;
  return end <= der.length ? { tag, start, end } : null;
}

/**
 * The PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo (RFC 5208: SEQUENCE { version,
 * AlgorithmIdentifier, OCTET STRING privateKey }), as a view of the same memory, or null when the
 * key is not RSA or not laid out that way. OpenSSL 3 parses PKCS#1 about three times faster than
 * PKCS#8 (no decoder chain), and a key is parsed for every signing operation.
 */
export function rsaPkcs1Within(pkcs8: Buffer): Buffer | null {
  const outer = derTlv(pkcs8, 0);
  if (!outer || outer.tag !== 0x30) return null;
  const version = derTlv(pkcs8, outer.start);
  if (!version || version.tag !== 0x02) return null;
  const algorithm = derTlv(pkcs8, version.end);
  if (!algorithm || algorithm.tag !== 0x30 || !pkcs8.subarray(algorithm.start, algorithm.end).equals(RSA_ALGORITHM_ID)) return null;
  const privateKey = derTlv(pkcs8, algorithm.end);
  if (!privateKey || privateKey.tag !== 0x04 || privateKey.end > outer.end) return null;
  return pkcs8.subarray(privateKey.start, privateKey.end);
}

/** The private key of one signing operation, from its PKCS#8 DER. */
function privateKeyOf(pkcs8: Buffer): crypto.KeyObject {
  const pkcs1 = rsaPkcs1Within(pkcs8);
  return pkcs1
    ? crypto.createPrivateKey({ key: pkcs1, format: 'der', type: 'pkcs1' })
    : crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

function signAsync(data: Uint8Array, key: crypto.KeyObject): Promise<Uint8Array> {
  // The callback form runs in libuv's thread pool, so signatures use every core.
  return new Promise((resolve, reject) =>
    crypto.sign('sha256', data, key, (error, signature) => (error ? reject(error) : resolve(new Uint8Array(signature)))),
  );
}

/**
 * The embedded vault: private keys are stored AES-256-GCM wrapped under a key derived from
 * the master key (the key reference is the additional data, so wrapped keys cannot be swapped),
 * and exist in the clear only in memory for one signing operation.
 */
export function createSoftVault(options: { db: Db; masterKey: Buffer; pinScryptN: number }): Vault {
  const { db, masterKey, pinScryptN } = options;
  const wrapKey = deriveKey(masterKey, 'vault-key-wrap');
  const pepper = deriveKey(masterKey, 'pin-pepper');

  function wrap(ref: string, pkcs8: Buffer): Buffer {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', wrapKey, iv);
    cipher.setAAD(Buffer.from(ref, 'utf8'));
    const body = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  const { vaultKeys } = db.t;

  async function unwrap(ref: string): Promise<Buffer> {
    const [row] = await db.orm.select({ wrapped: vaultKeys.wrapped }).from(vaultKeys).where(eq(vaultKeys.ref, ref));
    if (!row) throw new Error(`vault: no key ${ref}`);
    const iv = row.wrapped.subarray(0, IV_BYTES);
    const tag = row.wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = crypto.createDecipheriv('aes-256-gcm', wrapKey, iv);
    decipher.setAAD(Buffer.from(ref, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(row.wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }

  return {
    backend: 'soft',

    async generateKey(label, algorithm = 'rsa-2048') {
      const { privateKey, publicKey } = await new Promise<{ privateKey: crypto.KeyObject; publicKey: crypto.KeyObject }>(
        (resolve, reject) => {
          const done = (error: Error | null, pub: crypto.KeyObject, priv: crypto.KeyObject) => (error ? reject(error) : resolve({ privateKey: priv, publicKey: pub }));
          if (algorithm === 'ec-p256') crypto.generateKeyPair('ec', { namedCurve: 'P-256' }, done);
          else crypto.generateKeyPair('rsa', { modulusLength: 2048 }, done);
        },
      );
      const keyRef = `key_${crypto.randomBytes(12).toString('base64url')}`;
      const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
      await db.orm.insert(vaultKeys).values({ ref: keyRef, label, wrapped: wrap(keyRef, pkcs8), createdAt: Date.now() });
      pkcs8.fill(0);
      const spki = publicKey.export({ format: 'der', type: 'spki' });
      const publicCryptoKey = await crypto.webcrypto.subtle.importKey('spki', spki, algorithm === 'ec-p256' ? EC_SIGN_ALGORITHM : RSA_SIGN_ALGORITHM, true, ['verify']);
      return { keyRef, publicKey: publicCryptoKey };
    },

    async sign(keyRef, items) {
      const pkcs8 = await unwrap(keyRef);
      let key: crypto.KeyObject;
      try {
        key = privateKeyOf(pkcs8);
      } finally {
        pkcs8.fill(0); // the PKCS#1 view shares this memory
      }
      // A window of jobs in libuv's pool rather than the whole batch at once: a PIN check or a
      // signature of another request queues behind a few of this batch's jobs, not behind all 500.
      const signatures: Uint8Array[] = new Array(items.length);
      let next = 0;
      const lane = async () => {
        while (next < items.length) {
          const i = next++;
          signatures[i] = await signAsync(items[i]!, key);
        }
      };
      await Promise.all(Array.from({ length: Math.min(SIGN_WINDOW, items.length) }, lane));
      return signatures;
    },

    async withCryptoKey(keyRef, use) {
      const pkcs8 = await unwrap(keyRef);
      const key = await crypto.webcrypto.subtle.importKey('pkcs8', pkcs8, RSA_SIGN_ALGORITHM, false, ['sign']);
      pkcs8.fill(0);
      return use(key, crypto.webcrypto as unknown as Crypto);
    },

    hashPin: (pin) => hashPin(pepper, pin, pinScryptN),
    verifyPin: (pin, verifier) => verifyPin(pepper, pin, verifier),
  };
}
