import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCmsBatch } from '../../../server/cms/batchSigner.js';
import { parseDetachedCms } from '../../../server/cms/parseDetached.js';
import { assembleSignedData, prepareDocument, prepareSigner } from '../../../server/cms/signDetached.js';
import { x509 } from '../../../server/ca/x509Setup.js';
import { cmsVerify } from '../../helpers/openssl.js';

const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
const SIGNING_TIME = new Date('2026-11-25T08:00:00Z');

async function fixture() {
  const caKeys = (await crypto.webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Test CA',
    keys: caKeys,
    signingAlgorithm: alg,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2036-01-01T00:00:00Z'),
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pub = await crypto.webcrypto.subtle.importKey('spki', publicKey.export({ format: 'der', type: 'spki' }), alg, true, ['verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0a1b2c',
    subject: 'CN=Signer',
    issuer: ca.subject,
    publicKey: pub,
    signingKey: caKeys.privateKey,
    signingAlgorithm: alg,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2029-01-01T00:00:00Z'),
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true)],
  });
  return { caPem: ca.toString('pem'), certDer: new Uint8Array(cert.rawData), privateKey };
}

const docs = ['first', 'second', 'third'].map((s) => Buffer.from(`document ${s}`));
const digests = docs.map((d) => crypto.createHash('sha256').update(d).digest());

describe('CMS batch signing', () => {
  it('every CMS is byte-identical to what the ASN.1 library builds for that document', async () => {
    const { certDer, privateKey } = await fixture();
    const batch = createCmsBatch(certDer, SIGNING_TIME, digests);
    const signatures = batch.toBeSigned.map((tbs) => new Uint8Array(crypto.sign('sha256', tbs, privateKey)));
    const fast = batch.assemble(signatures);

    const setup = prepareSigner(certDer, SIGNING_TIME);
    digests.forEach((digest, i) => {
      const prepared = prepareDocument(setup, digest);
      expect(Buffer.from(batch.toBeSigned[i]!).equals(Buffer.from(prepared.toBeSigned))).toBe(true);
      expect(fast[i]!.equals(assembleSignedData(setup, prepared, signatures[i]!))).toBe(true);
    });
  });

  it('reuses one template per certificate across signing times, still byte-identical to the library', async () => {
    const { certDer, privateKey } = await fixture();
    for (const time of [new Date('2026-11-25T08:00:00Z'), new Date('2027-02-28T23:59:59Z'), new Date('2049-12-31T23:59:59Z')]) {
      const batch = createCmsBatch(certDer, time, [digests[1]!]);
      const signature = new Uint8Array(crypto.sign('sha256', batch.toBeSigned[0]!, privateKey));
      const setup = prepareSigner(certDer, time);
      const prepared = prepareDocument(setup, digests[1]!);
      expect(Buffer.from(batch.toBeSigned[0]!).equals(Buffer.from(prepared.toBeSigned))).toBe(true);
      expect(batch.assemble([signature])[0]!.equals(assembleSignedData(setup, prepared, signature))).toBe(true);
      expect(parseDetachedCms(batch.assemble([signature])[0]!).signingTime!.toISOString()).toBe(time.toISOString());
    }
  });

  it('the PAdES profile has no signingTime attribute and is byte-identical to the library (ETSI EN 319 142-1)', async () => {
    const { certDer, privateKey } = await fixture();
    const batch = createCmsBatch(certDer, SIGNING_TIME, digests, 'pades');
    const signatures = batch.toBeSigned.map((tbs) => new Uint8Array(crypto.sign('sha256', tbs, privateKey)));
    const fast = batch.assemble(signatures);
    const setup = prepareSigner(certDer, null);
    digests.forEach((digest, i) => {
      const prepared = prepareDocument(setup, digest);
      expect(fast[i]!.equals(assembleSignedData(setup, prepared, signatures[i]!))).toBe(true);
      const parsed = parseDetachedCms(fast[i]!);
      expect(parsed.signingTime).toBeNull();
      expect(parsed.messageDigest!.equals(digest)).toBe(true);
      expect(parsed.signingCertificateHash).not.toBeNull();
    });
    // The CAdES profile of the same certificate still carries its signing time.
    expect(parseDetachedCms(createCmsBatch(certDer, SIGNING_TIME, [digests[0]!]).assemble([signatures[0]!])[0]!).signingTime!.toISOString()).toBe(SIGNING_TIME.toISOString());
  });

  it('refuses a signature whose length does not fit the key', async () => {
    const { certDer } = await fixture();
    const batch = createCmsBatch(certDer, SIGNING_TIME, [digests[0]!]);
    expect(() => batch.assemble([new Uint8Array(255)])).toThrow(/length/);
  });

  it('OpenSSL verifies each one for its own document only', async () => {
    const { caPem, certDer, privateKey } = await fixture();
    const batch = createCmsBatch(certDer, SIGNING_TIME, digests);
    const cms = batch.assemble(batch.toBeSigned.map((tbs) => new Uint8Array(crypto.sign('sha256', tbs, privateKey))));
    // Certificates are dated 2026-2029; OpenSSL checks validity at the current time.
    for (let i = 0; i < docs.length; i++) {
      expect(cmsVerify({ signature: cms[i]!, content: docs[i]!, caPem }).ok).toBe(true);
      expect(cmsVerify({ signature: cms[i]!, content: docs[(i + 1) % docs.length]!, caPem }).ok).toBe(false);
    }
  });

  it('signed attributes are in DER order and carry the four CAdES-BES attributes', async () => {
    const { certDer, privateKey } = await fixture();
    const batch = createCmsBatch(certDer, SIGNING_TIME, [digests[0]!]);
    const [cms] = batch.assemble([new Uint8Array(crypto.sign('sha256', batch.toBeSigned[0]!, privateKey))]);
    const parsed = parseDetachedCms(cms!);
    expect(parsed.signedAttributes.equals(Buffer.from(batch.toBeSigned[0]!))).toBe(true);
    expect(parsed.messageDigest!.equals(digests[0]!)).toBe(true);
    expect(parsed.signingTime!.toISOString()).toBe(SIGNING_TIME.toISOString());
    expect(parsed.signingCertificateHash!.equals(crypto.createHash('sha256').update(certDer).digest())).toBe(true);
  });

  it('an empty batch is empty', () => {
    expect(createCmsBatch(new Uint8Array(), SIGNING_TIME, []).toBeSigned).toEqual([]);
  });
});
