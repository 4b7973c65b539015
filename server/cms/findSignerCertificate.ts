import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, id_ce_subjectKeyIdentifier, SubjectKeyIdentifier } from '@peculiar/asn1-x509';
import type { SignerId } from './parseDetached.js';

/** An INTEGER's magnitude: its bytes without sign-padding zeros. */
function magnitude(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

function subjectKeyId(certificate: Certificate): Buffer | null {
  const extension = certificate.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  return extension ? Buffer.from(AsnConvert.parse(extension.extnValue, SubjectKeyIdentifier).buffer) : null;
}

/**
 * The certificate the signer identifier names (RFC 5652 §5.3): same issuer and serial number, or
 * same subject key identifier. Never a guess: with no match there is no signer certificate, and a
 * certificate that cannot be read matches nothing.
 */
export function findSignerCertificate(certificates: Buffer[], signerId: SignerId): Buffer | null {
  for (const der of certificates) {
    try {
      const certificate = AsnConvert.parse(der, Certificate);
      const matches =
        'subjectKeyId' in signerId
          ? subjectKeyId(certificate)?.equals(signerId.subjectKeyId) === true
          : magnitude(Buffer.from(certificate.tbsCertificate.serialNumber)).equals(magnitude(signerId.serial)) &&
            Buffer.from(AsnConvert.serialize(certificate.tbsCertificate.issuer)).equals(signerId.issuerDer);
      if (matches) return der;
    } catch {
      // Not a certificate we can read: it names nobody.
    }
  }
  return null;
}
