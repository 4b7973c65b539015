import crypto from 'node:crypto';
import { RSA_SIGN_ALGORITHM } from '../vault/vault.js';
import type { CertificateAuthority } from './certificateAuthority.js';
import { x509 } from './x509Setup.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A TSA certificate lives 5 years (never past the CA's own expiry); its tokens are checked against it for longer. */
const TSA_VALIDITY_DAYS = 5 * 365;
/** RFC 3161 §2.3: id-kp-timeStamping. */
export const TIME_STAMPING_EKU = '1.3.6.1.5.5.7.3.8';

/**
 * Issues the certificate of RoamSign's own time-stamping authority under the RoamSign CA
 * (RFC 3161 §2.3): extended key usage id-kp-timeStamping only, marked critical; key usage
 * digitalSignature (critical); the CA's CRL as distribution point. The key is the TSA's own, made
 * in the vault (P-256), of which only the public half is given here.
 */
export async function issueTsaCertificate(options: {
  ca: CertificateAuthority;
  publicKey: CryptoKey;
  publicUrl: string;
  now: number;
}): Promise<Buffer> {
  const { ca, publicKey } = options;
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const notBefore = new Date(options.now - 60_000);
  const notAfter = new Date(Math.min(notBefore.getTime() + TSA_VALIDITY_DAYS * DAY_MS, ca.certificate.notAfter.getTime()));
  const cert = await ca.withCaKey(async (signingKey, signingCrypto) =>
    x509.X509CertificateGenerator.create(
      {
        serialNumber: serial.toString('hex'),
        subject: 'C=MY, O=Kerajaan Malaysia, OU=RoamSign, CN=RoamSign Time-Stamping Authority',
        issuer: ca.certificate.subject,
        notBefore,
        notAfter,
        publicKey,
        signingKey,
        signingAlgorithm: RSA_SIGN_ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([TIME_STAMPING_EKU], true),
          new x509.CRLDistributionPointsExtension([`${options.publicUrl}/crl`]),
          await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey),
          await x509.SubjectKeyIdentifierExtension.create(publicKey),
        ],
      },
      signingCrypto,
    ),
  );
  return Buffer.from(cert.rawData);
}
