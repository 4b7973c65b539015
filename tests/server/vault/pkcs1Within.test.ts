import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rsaPkcs1Within } from '../../../server/vault/softVault.js';

describe('rsaPkcs1Within (the soft vault parses the PKCS#1 key inside its PKCS#8)', () => {
  it('is exactly the RSAPrivateKey OpenSSL exports as PKCS#1, sharing the PKCS#8 memory', () => {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    const inner = rsaPkcs1Within(pkcs8);
    expect(inner).not.toBeNull();
    expect(inner!.equals(privateKey.export({ format: 'der', type: 'pkcs1' }))).toBe(true);
    // Wiping the PKCS#8 wipes the view too.
    pkcs8.fill(0);
    expect(inner!.every((b) => b === 0)).toBe(true);
  });

  it('signs like the PKCS#8 key', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    const key = crypto.createPrivateKey({ key: rsaPkcs1Within(pkcs8)!, format: 'der', type: 'pkcs1' });
    const data = Buffer.from('data');
    const signature = crypto.sign('sha256', data, key);
    expect(signature.equals(crypto.sign('sha256', data, privateKey))).toBe(true);
    expect(crypto.verify('sha256', data, publicKey, signature)).toBe(true);
  });

  it('is null for other key types and for malformed input (the vault then parses PKCS#8)', () => {
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(rsaPkcs1Within(ec)).toBeNull();
    expect(rsaPkcs1Within(Buffer.alloc(0))).toBeNull();
    expect(rsaPkcs1Within(Buffer.from('3082ffff020100', 'hex'))).toBeNull();
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(rsaPkcs1Within(rsa.subarray(0, rsa.length - 10))).toBeNull();
  });
});
