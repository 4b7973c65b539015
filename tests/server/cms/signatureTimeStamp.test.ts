import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addSignatureTimeStamp, appendSignatureTimeStamp } from '../../../server/cms/addSignatureTimeStamp.js';
import { tlv } from '../../../server/cms/der.js';
import { createCmsBatch } from '../../../server/cms/batchSigner.js';
import { findSignatureTimeStamp } from '../../../server/cms/findSignatureTimeStamp.js';
import { x509 } from '../../../server/ca/x509Setup.js';
import { RSA_SIGN_ALGORITHM } from '../../../server/vault/vault.js';

async function certificate(): Promise<{ der: Buffer; key: crypto.KeyObject }> {
  const keys = await crypto.webcrypto.subtle.generateKey({ ...RSA_SIGN_ALGORITHM, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '0a', name: 'CN=officer', notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000), keys, signingAlgorithm: RSA_SIGN_ALGORITHM });
  return { der: Buffer.from(cert.rawData), key: crypto.KeyObject.from(keys.privateKey) };
}

describe('appendSignatureTimeStamp (the B-T step without the ASN.1 library)', () => {
  it('gives the same bytes as addSignatureTimeStamp, for tokens of every length class', async () => {
    const { der, key } = await certificate();
    const batch = createCmsBatch(der, new Date(), [crypto.randomBytes(32), crypto.randomBytes(32)]);
    const cmsList = batch.assemble(batch.toBeSigned.map((tbs) => crypto.sign('sha256', tbs, key)));
    for (const length of [10, 127, 128, 255, 256, 3000, 70_000]) {
      const token = tlv(0x30, tlv(0x04, crypto.randomBytes(length)));
      for (const cms of cmsList) {
        const fast = appendSignatureTimeStamp(cms, token);
        expect(fast.equals(addSignatureTimeStamp(cms, token))).toBe(true);
        expect(findSignatureTimeStamp(fast).token!.equals(token)).toBe(true);
      }
    }
  });
});
