import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import { beforeAll, describe, expect, it } from 'vitest';
import { x509 } from '../../../server/ca/x509Setup.js';
import { openTestDb } from '../../helpers/testServices.js';
import { parseConfig } from '../../../server/env.js';
import { createPkcs11Vault } from '../../../server/vault/pkcs11Vault.js';
import { RSA_SIGN_ALGORITHM } from '../../../server/vault/vault.js';
import { renewCertificate } from '../../../server/lifecycle/renewCertificate.js';
import { AMINAH, call, createRequest, documentBytes, latestOtp, makeDocument, WEIMING } from '../../helpers/api.js';
import { cmsVerify } from '../../helpers/openssl.js';
import { opensslTsQuery, opensslTsVerify } from '../../helpers/tsaQuery.js';
import { startTestServer } from '../../helpers/testServices.js';

const LIBRARY = '/usr/lib/softhsm/libsofthsm2.so';
const TOKEN = 'roamsign-test';
const USER_PIN = '87654321';

/** A fresh SoftHSM2 token in a temp folder; SOFTHSM2_CONF is set before the library is loaded. */
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-softhsm-'));
  fs.mkdirSync(path.join(dir, 'tokens'));
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(conf, `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', TOKEN, '--so-pin', '12345678', '--pin', USER_PIN], {
    env: process.env,
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`softhsm2-util failed: ${init.stdout}${init.stderr}`);
});

async function tempVault(userPin = USER_PIN) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-vault-'));
  const db = await openTestDb(dir);
  const vault = createPkcs11Vault({ db, masterKey: crypto.randomBytes(32), pinScryptN: 1024, library: LIBRARY, slotLabel: TOKEN, userPin });
  return { db, vault };
}

/** The test's own look into the token (same process: the library is already initialised by the vault). */
function inspectToken<T>(look: (module: pkcs11js.PKCS11, session: Buffer) => T): T {
  const module = new pkcs11js.PKCS11();
  module.load(LIBRARY);
  try {
    module.C_Initialize();
  } catch (error) {
    if (!(error instanceof pkcs11js.Pkcs11Error && error.code === pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED)) throw error;
  }
  const slot = module.C_GetSlotList(true).find((s) => module.C_GetTokenInfo(s).label.trim() === TOKEN)!;
  const session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  try {
    try {
      module.C_Login(session, pkcs11js.CKU_USER, USER_PIN);
    } catch (error) {
      if (!(error instanceof pkcs11js.Pkcs11Error && error.code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN)) throw error;
    }
    return look(module, session);
  } finally {
    module.C_CloseSession(session);
  }
}

function findObjects(module: pkcs11js.PKCS11, session: Buffer, keyRef: string, cls: number): Buffer[] {
  module.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: cls },
    { type: pkcs11js.CKA_ID, value: Buffer.from(keyRef) },
  ]);
  try {
    return module.C_FindObjects(session, 10);
  } finally {
    module.C_FindObjectsFinal(session);
  }
}

const bool = (value: unknown) => Buffer.from(value as Buffer)[0] === 1;

describe('pkcs11 vault (SoftHSM2)', () => {
  it('refuses a wrong user PIN without naming it', async () => {
    let message = '';
    try {
      (await tempVault('00000000')).vault.close?.();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/login to the token failed.*PIN_INCORRECT/);
    expect(message).not.toContain('00000000');
  });

  it('refuses an unknown token label', async () => {
    const db = await openTestDb(fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-vault-')));
    expect(() =>
      createPkcs11Vault({ db, masterKey: crypto.randomBytes(32), pinScryptN: 1024, library: LIBRARY, slotLabel: 'nope', userPin: USER_PIN }),
    ).toThrow(/no token labelled "nope"/);
  });

  it('generates keys in the token as sensitive, non-extractable objects; the database holds none', async () => {
    const { db, vault } = await tempVault();
    try {
      expect(vault.backend).toBe('pkcs11');
      const { keyRef, publicKey } = await vault.generateKey('officer:900101011234');
      expect(publicKey.algorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048 });
      inspectToken((module, session) => {
        const [key, ...others] = findObjects(module, session, keyRef, pkcs11js.CKO_PRIVATE_KEY);
        expect(others).toHaveLength(0);
        const attrs = module.C_GetAttributeValue(session, key!, [
          { type: pkcs11js.CKA_TOKEN },
          { type: pkcs11js.CKA_SENSITIVE },
          { type: pkcs11js.CKA_EXTRACTABLE },
          { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
          { type: pkcs11js.CKA_LOCAL },
          { type: pkcs11js.CKA_SIGN },
          { type: pkcs11js.CKA_LABEL },
        ]);
        expect(attrs.slice(0, 6).map((a) => bool(a.value))).toEqual([true, true, false, true, true, true]);
        expect(Buffer.from(attrs[6]!.value as Buffer).toString()).toBe('officer:900101011234');
        // The private exponent cannot be read out.
        expect(() => module.C_GetAttributeValue(session, key!, [{ type: pkcs11js.CKA_PRIVATE_EXPONENT }])).toThrow(/ATTRIBUTE_SENSITIVE/);
        expect(findObjects(module, session, keyRef, pkcs11js.CKO_PUBLIC_KEY)).toHaveLength(1);
      });
      expect((await db.get('select count(*) as n from vault_keys'))).toEqual({ n: 0 });
    } finally {
      vault.close?.();
    }
  });

  it('signs RSASSA-PKCS1-v1_5 / SHA-256 that the public key verifies, and refuses unknown keys', async () => {
    const { vault } = await tempVault();
    try {
      const { keyRef, publicKey } = await vault.generateKey('a');
      const data = Array.from({ length: 9 }, (_, i) => Buffer.from(`item ${i}`));
      const signatures = await vault.sign(keyRef, data);
      const spki = Buffer.from(await crypto.webcrypto.subtle.exportKey('spki', publicKey));
      const pub = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
      for (let i = 0; i < data.length; i++) {
        expect(signatures[i]).toHaveLength(256);
        expect(crypto.verify('sha256', data[i]!, pub, signatures[i]!)).toBe(true);
      }
      expect(crypto.verify('sha256', data[1]!, pub, signatures[0]!)).toBe(false);
      await expect(vault.sign('key_unknown', [Buffer.from('x')])).rejects.toThrow(/no key key_unknown/);
    } finally {
      vault.close?.();
    }
  });

  it('makes P-256 keys in the token (the TSA\'s) and signs ECDSA / SHA-256 as DER that the public key verifies', async () => {
    const { vault } = await tempVault();
    try {
      const { keyRef, publicKey } = await vault.generateKey('tsa', 'ec-p256');
      const data = Array.from({ length: 6 }, (_, i) => Buffer.from(`stamp ${i}`));
      const signatures = await vault.sign(keyRef, data);
      const spki = Buffer.from(await crypto.webcrypto.subtle.exportKey('spki', publicKey));
      const pub = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
      expect(pub.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      for (let i = 0; i < data.length; i++) expect(crypto.verify('sha256', data[i]!, pub, signatures[i]!)).toBe(true);
      expect(crypto.verify('sha256', data[1]!, pub, signatures[0]!)).toBe(false);
      inspectToken((module, session) => {
        const [priv] = findObjects(module, session, keyRef, pkcs11js.CKO_PRIVATE_KEY);
        const [sensitive, extractable] = module.C_GetAttributeValue(session, priv!, [{ type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_EXTRACTABLE }]);
        expect(Buffer.from(sensitive!.value as Buffer)[0]).toBe(1);
        expect(Buffer.from(extractable!.value as Buffer)[0]).toBe(0);
      });
    } finally {
      vault.close?.();
    }
  });

  it('gives the CA a key and WebCrypto for @peculiar/x509 that sign in the token', async () => {
    const { vault } = await tempVault();
    try {
      const { keyRef, publicKey } = await vault.generateKey('ca');
      const cert = await vault.withCryptoKey(keyRef, (signingKey, signingCrypto) =>
        x509.X509CertificateGenerator.createSelfSigned(
          { serialNumber: '01', name: 'CN=Test CA', keys: { publicKey, privateKey: signingKey }, signingAlgorithm: RSA_SIGN_ALGORITHM },
          signingCrypto,
        ),
      );
      expect(await cert.verify({ signatureOnly: true })).toBe(true);
    } finally {
      vault.close?.();
    }
  });

  it('keeps the PIN verifier scrypt + pepper', async () => {
    const { vault } = await tempVault();
    try {
      const verifier = await vault.hashPin('123456');
      expect(verifier).toMatch(/^scrypt\$1024\$8\$1\$/);
      expect(await vault.verifyPin('123456', verifier)).toBe(true);
      expect(await vault.verifyPin('123457', verifier)).toBe(false);
    } finally {
      vault.close?.();
    }
  });
});

describe('ROAMSIGN_VAULT=pkcs11 configuration', () => {
  it('defaults to soft, and requires the token PIN for pkcs11', () => {
    expect(parseConfig({ ROAMSIGN_SANDBOX: '1' }).vault).toEqual({ backend: 'soft' });
    expect(() => parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_VAULT: 'pkcs11' })).toThrow(/ROAMSIGN_PKCS11_PIN: required/);
    expect(() => parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_VAULT: 'hsm' })).toThrow(/ROAMSIGN_VAULT: must be "soft" or "pkcs11"/);
    expect(parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_VAULT: 'pkcs11', ROAMSIGN_PKCS11_PIN: USER_PIN }).vault).toEqual({
      backend: 'pkcs11',
      library: LIBRARY,
      slotLabel: undefined,
      pin: USER_PIN,
    });
  });
});

describe('the server on the pkcs11 backend', () => {
  it('keeps the CA and officer keys in the token and signs a CMS that openssl verifies', async () => {
    const server = await startTestServer({ ROAMSIGN_VAULT: 'pkcs11', ROAMSIGN_PKCS11_SLOT_LABEL: TOKEN, ROAMSIGN_PKCS11_PIN: USER_PIN });
    try {
      expect(server.services.vault.backend).toBe('pkcs11');
      const created = await createRequest(server, { documents: [makeDocument('STH-2026-000123')] });
      expect(created.status).toBe(201);
      const otp = await latestOtp(server, created.body.id);
      const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'signed', verification: { valid: true } });

      const caPem = await (await server.app.request('/ca.pem')).text();
      const crlPem = await (await server.app.request('/crl.pem')).text();
      const signature = Buffer.from(done.body.signatures[0].signature, 'base64');
      const good = cmsVerify({ signature, content: documentBytes('STH-2026-000123'), caPem, crlPem });
      expect(good.output).toContain('Verification successful');
      expect(good.ok).toBe(true);
      expect(cmsVerify({ signature, content: documentBytes('STH-2026-000123', '99,999.00'), caPem }).ok).toBe(false);

      const { db } = server.services;
      const caRef = ((await db.get('select key_ref as ref from ca_state')) as { ref: string }).ref;
      const officerRefs = (await db.all<{ ref: string }>('select key_ref as ref from certificates')).map((r) => r.ref);
      expect(officerRefs.length).toBeGreaterThan(0);
      inspectToken((module, session) => {
        for (const ref of [caRef, ...officerRefs]) expect(findObjects(module, session, ref, pkcs11js.CKO_PRIVATE_KEY)).toHaveLength(1);
      });
      expect(await db.get('select count(*) as n from vault_keys')).toEqual({ n: 0 });
      expect(server.logs.join('\n')).not.toContain(USER_PIN);

      // Issue 20: the embedded TSA's key is in the token too, and its tokens verify with openssl.
      const tsaRef = (JSON.parse(((await db.get("select value from cluster_settings where name = 'tsa'")) as { value: string }).value) as { keyRef: string }).keyRef;
      inspectToken((module, session) => expect(findObjects(module, session, tsaRef, pkcs11js.CKO_PRIVATE_KEY)).toHaveLength(1));
      const { dir, query } = opensslTsQuery(Buffer.from('hsm time-stamp'));
      const answer = await server.app.request('/tsa', { method: 'POST', headers: { 'Content-Type': 'application/timestamp-query' }, body: new Uint8Array(query) });
      expect(answer.status).toBe(200);
      expect(opensslTsVerify({ dir, reply: Buffer.from(await answer.arrayBuffer()), caPem }).output).toContain('Verification: OK');
    } finally {
      await server.close();
    }
  });

  it('rolls the CA over inside the token (issue 21): the new CA key is a token object, the link certificates and new issuance are signed there, and openssl verifies a signature from each CA with the bundle', async () => {
    const server = await startTestServer({ ROAMSIGN_VAULT: 'pkcs11', ROAMSIGN_PKCS11_SLOT_LABEL: TOKEN, ROAMSIGN_PKCS11_PIN: USER_PIN });
    try {
      const signOnce = async (nric: string, pin: string, id: string) => {
        const created = await createRequest(server, { nric, documents: [makeDocument(id)] });
        expect(created.status).toBe(201);
        const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin, otp: await latestOtp(server, created.body.id, nric) });
        expect(done.status, JSON.stringify(done.body)).toBe(200);
        expect(done.body).toMatchObject({ status: 'signed', verification: { valid: true } });
        return Buffer.from(done.body.signatures[0].signature, 'base64');
      };
      const before = await signOnce(AMINAH.nric, AMINAH.pin, 'STH-HSM-OLD');
      const next = await server.services.ca.rollOver('test');
      expect(next.id).toBe(2);
      inspectToken((module, session) => expect(findObjects(module, session, next.keyRef, pkcs11js.CKO_PRIVATE_KEY)).toHaveLength(1));
      const [fromOld, toOld] = next.links;
      const [first] = server.services.ca.generations;
      expect(await fromOld!.verify({ publicKey: first!.certificate.publicKey, signatureOnly: true })).toBe(true);
      expect(await toOld!.verify({ publicKey: next.certificate.publicKey, signatureOnly: true })).toBe(true);
      server.clock.now += 60_000;
      await renewCertificate(server.services, WEIMING.nric, 'test');
      const after = await signOnce(WEIMING.nric, WEIMING.pin, 'STH-HSM-NEW');
      const bundle = await (await server.app.request('/ca.pem')).text();
      expect(bundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
      for (const [signature, id] of [
        [before, 'STH-HSM-OLD'],
        [after, 'STH-HSM-NEW'],
      ] as const) {
        const verified = cmsVerify({ signature, content: documentBytes(id), caPem: bundle });
        expect(verified.ok, verified.output).toBe(true);
      }
      expect(cmsVerify({ signature: after, content: documentBytes('STH-HSM-NEW'), caPem: first!.certificate.toString('pem') }).ok).toBe(false);
      expect(await server.services.db.get('select count(*) as n from vault_keys')).toEqual({ n: 0 });
    } finally {
      await server.close();
    }
  });
});
