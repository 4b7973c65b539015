import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { vaultKeys } from '../db/schema.js';
import { deriveKey } from './masterKey.js';
import { hashPin, verifyPin } from './pinVerifier.js';
import { RSA_SIGN_ALGORITHM, type Vault } from './vault.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

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

  function unwrap(ref: string): Buffer {
    const row = db.select({ wrapped: vaultKeys.wrapped }).from(vaultKeys).where(eq(vaultKeys.ref, ref)).get();
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

    async generateKey(label) {
      const { privateKey, publicKey } = await new Promise<{ privateKey: crypto.KeyObject; publicKey: crypto.KeyObject }>(
        (resolve, reject) =>
          crypto.generateKeyPair('rsa', { modulusLength: 2048 }, (error, pub, priv) =>
            error ? reject(error) : resolve({ privateKey: priv, publicKey: pub }),
          ),
      );
      const keyRef = `key_${crypto.randomBytes(12).toString('base64url')}`;
      const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
      db.insert(vaultKeys).values({ ref: keyRef, label, wrapped: wrap(keyRef, pkcs8), createdAt: Date.now() }).run();
      pkcs8.fill(0);
      const spki = publicKey.export({ format: 'der', type: 'spki' });
      const publicCryptoKey = await crypto.webcrypto.subtle.importKey('spki', spki, RSA_SIGN_ALGORITHM, true, ['verify']);
      return { keyRef, publicKey: publicCryptoKey };
    },

    async sign(keyRef, items) {
      const pkcs8 = unwrap(keyRef);
      const key = crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
      pkcs8.fill(0);
      return Promise.all(items.map((item) => signAsync(item, key)));
    },

    async withCryptoKey(keyRef, use) {
      const pkcs8 = unwrap(keyRef);
      const key = await crypto.webcrypto.subtle.importKey('pkcs8', pkcs8, RSA_SIGN_ALGORITHM, false, ['sign']);
      pkcs8.fill(0);
      return use(key);
    },

    hashPin: (pin) => hashPin(pepper, pin, pinScryptN),
    verifyPin: (pin, verifier) => verifyPin(pepper, pin, verifier),
  };
}
