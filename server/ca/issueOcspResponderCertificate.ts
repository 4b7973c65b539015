import crypto from 'node:crypto';
import { id_kp_OCSPSigning, id_pkix_ocsp_nocheck } from '@peculiar/asn1-ocsp';
import { RSA_SIGN_ALGORITHM } from '../vault/vault.js';
import type { CertificateAuthority } from './certificateAuthority.js';
import { x509 } from './x509Setup.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** RFC 6960 §4.2.2.2.1: a responder certificate with id-pkix-ocsp-nocheck should be short-lived. */
export const OCSP_RESPONDER_VALIDITY_DAYS = 90;

/**
 * The CA's delegated OCSP responder certificate (RFC 6960 §4.2.2.2): extended key usage
 * id-kp-OCSPSigning only, and id-pkix-ocsp-nocheck (clients do not ask about the responder itself).
 */
export async function issueOcspResponderCertificate(
  ca: CertificateAuthority,
  publicKey: CryptoKey,
  now: number,
  generation: number = ca.current.id,
): Promise<x509.X509Certificate> {
  const issuer = ca.generation(generation)!.certificate;
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const notBefore = new Date(now - 60_000);
  return ca.withCaKey(async (signingKey, signingCrypto) =>
    x509.X509CertificateGenerator.create(
      {
        serialNumber: serial.toString('hex'),
        subject: [{ C: ['MY'] }, { O: ['Kerajaan Malaysia'] }, { OU: ['RoamSign'] }, { CN: ['RoamSign OCSP Responder'] }],
        issuer: issuer.subject,
        notBefore,
        notAfter: new Date(notBefore.getTime() + OCSP_RESPONDER_VALIDITY_DAYS * DAY_MS),
        publicKey,
        signingKey,
        signingAlgorithm: RSA_SIGN_ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([id_kp_OCSPSigning], false),
          // The extension's value is ASN.1 NULL (05 00).
          new x509.Extension(id_pkix_ocsp_nocheck, false, new Uint8Array([0x05, 0x00])),
          await x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey),
          await x509.SubjectKeyIdentifierExtension.create(publicKey),
        ],
      },
      signingCrypto,
    ),
    generation,
  );
}
