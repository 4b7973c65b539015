import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestDb } from '../../helpers/testServices.js';
import { loadOrCreateMasterKey } from '../../../server/vault/masterKey.js';
import { createSoftVault } from '../../../server/vault/softVault.js';

async function tempVault() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-vault-'));
  const db = await openTestDb(dir);
  const masterKey = loadOrCreateMasterKey(dir);
  return { dir, db, masterKey, vault: createSoftVault({ db, masterKey, pinScryptN: 1024 }) };
}

describe('master key', () => {
  it('is created once, 32 bytes, readable only by its owner', async () => {
    const { dir, masterKey } = await tempVault();
    expect(masterKey).toHaveLength(32);
    expect(fs.statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateMasterKey(dir).equals(masterKey)).toBe(true);
  });
});

describe('soft vault keys', () => {
  it('signs with a key whose public half verifies, and stores no clear private key', async () => {
    const { db, vault } = await tempVault();
    const { keyRef, publicKey } = await vault.generateKey('officer:900101011234');
    const data = [Buffer.from('one'), Buffer.from('two')];
    const signatures = await vault.sign(keyRef, data);
    const spki = Buffer.from(await crypto.webcrypto.subtle.exportKey('spki', publicKey));
    const pub = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(crypto.verify('sha256', data[0]!, pub, signatures[0]!)).toBe(true);
    expect(crypto.verify('sha256', data[1]!, pub, signatures[1]!)).toBe(true);
    expect(crypto.verify('sha256', data[1]!, pub, signatures[0]!)).toBe(false);

    const row = (await db.get('select wrapped from vault_keys where ref = ?', keyRef)) as { wrapped: Buffer };
    // A PKCS#8 RSA key starts 30 82 .. 02 01 00 30 0d 06 09 2a 86 48 86 f7 0d 01 01 01; wrapped, it must not.
    expect(row.wrapped.includes(Buffer.from('2a864886f70d010101', 'hex'))).toBe(false);
  });

  it('refuses a wrapped key moved to another reference (the reference is authenticated)', async () => {
    const { db, vault } = await tempVault();
    const a = await vault.generateKey('a');
    const b = await vault.generateKey('b');
    await db.run('update vault_keys set wrapped = (select wrapped from vault_keys where ref = ?) where ref = ?', a.keyRef, b.keyRef);
    await expect(vault.sign(b.keyRef, [Buffer.from('x')])).rejects.toThrow();
  });

  it('cannot unwrap keys with another master key', async () => {
    const { db, vault } = await tempVault();
    const { keyRef } = await vault.generateKey('a');
    const other = createSoftVault({ db, masterKey: crypto.randomBytes(32), pinScryptN: 1024 });
    await expect(other.sign(keyRef, [Buffer.from('x')])).rejects.toThrow();
  });
});

describe('PIN verifier', () => {
  it('verifies the right PIN only, salts each verifier, and holds no clear PIN', async () => {
    const { vault } = await tempVault();
    const one = await vault.hashPin('123456');
    const two = await vault.hashPin('123456');
    expect(one).not.toBe(two);
    expect(one).not.toContain('123456');
    expect(one).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await vault.verifyPin('123456', one)).toBe(true);
    expect(await vault.verifyPin('123457', one)).toBe(false);
    expect(await vault.verifyPin('123456', 'garbage')).toBe(false);
  });

  it('depends on the vault pepper: a verifier copied to another server does not verify', async () => {
    const a = await tempVault();
    const b = await tempVault();
    const verifier = await a.vault.hashPin('123456');
    expect(await b.vault.verifyPin('123456', verifier)).toBe(false);
  });
});
