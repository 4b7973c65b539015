import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { CertificateStatus, VerificationReport } from '../../shared/schemas/verify.js';
import { normaliseSerial, type CertificateAuthority } from '../ca/certificateAuthority.js';
import { OID } from '../cms/oids.js';
import { parseDetachedCms, type ParsedCms } from '../cms/parseDetached.js';
import type { Db } from '../db/database.js';

type Check = VerificationReport['checks'][number];

function serialNumberFromSubject(subject: string): string | null {
  return /(?:^|\n)serialNumber=(\d{12})(?:\n|$)/.exec(subject)?.[1] ?? null;
}

function commonNameFromSubject(subject: string): string | null {
  return /(?:^|\n)CN=([^\n]+)/.exec(subject)?.[1] ?? null;
}

/** Checks the CMS signature value, its signed attributes and the expected digest. */
function checkSignature(cms: ParsedCms, cert: crypto.X509Certificate, digest: Buffer): Check {
  const fail = (reason: string): Check => ({ name: 'signature', ok: false, reason });
  if (cms.digestAlgorithm !== OID.sha256) return fail('digest algorithm is not SHA-256');
  if (cms.contentType !== OID.data) return fail('contentType attribute missing or not id-data');
  if (!cms.messageDigest || !cms.messageDigest.equals(digest)) return fail('messageDigest does not match the document');
  if (cms.signingCertificateHash && !cms.signingCertificateHash.equals(crypto.createHash('sha256').update(cert.raw).digest())) {
    return fail('signingCertificateV2 does not name the signer certificate');
  }
  if (cms.signatureAlgorithm !== OID.sha256WithRSAEncryption && cms.signatureAlgorithm !== OID.rsaEncryption) {
    return fail('unsupported signature algorithm');
  }
  const ok = crypto.verify('sha256', cms.signedAttributes, cert.publicKey, cms.signature);
  return ok ? { name: 'signature', ok } : fail('signature value does not verify');
}

/**
 * Verifies a detached CMS signature over a document digest: the signature itself, the signer
 * certificate's chain to our CA, and its status in the current CRL (DESIGN.md step 12).
 * Throws CmsFormatError (bad input) when the bytes are not a CMS SignedData.
 */
export async function verifySignature(options: {
  db: Db;
  ca: CertificateAuthority;
  signature: Uint8Array;
  digest: Buffer;
  now: () => number;
}): Promise<VerificationReport> {
  const { db, ca, digest, now } = options;
  const cms = parseDetachedCms(options.signature);
  const caCert = new crypto.X509Certificate(Buffer.from(ca.certificate.rawData));

  const signerDer =
    cms.certificates.find((der) => {
      const cert = new crypto.X509Certificate(der);
      return cms.issuerAndSerial && normaliseSerial(cert.serialNumber) === normaliseSerial(cms.issuerAndSerial.serialHex);
    }) ?? cms.certificates[0];
  if (!signerDer) {
    return {
      valid: false,
      signer: { nric: null, name: null },
      signedAt: cms.signingTime?.toISOString() ?? null,
      certificate: { serial: cms.issuerAndSerial ? normaliseSerial(cms.issuerAndSerial.serialHex) : '', status: 'unknown', revokedAt: null },
      checks: [
        { name: 'signature', ok: false, reason: 'no signer certificate in the CMS' },
        { name: 'chain', ok: false, reason: 'no signer certificate in the CMS' },
        { name: 'crl', ok: false, reason: 'no signer certificate in the CMS' },
      ],
    };
  }
  const cert = new crypto.X509Certificate(signerDer);
  const serial = normaliseSerial(cert.serialNumber);

  const signatureCheck = checkSignature(cms, cert, digest);

  const chainOk = cert.checkIssued(caCert) && cert.verify(caCert.publicKey);
  const chainCheck: Check = chainOk ? { name: 'chain', ok: true } : { name: 'chain', ok: false, reason: 'not issued by the RoamSign CA' };

  const crl = await ca.currentCrl();
  const revokedAt = chainOk ? crl.revoked.get(serial) ?? null : null;
  const expired = now() > Date.parse(cert.validTo) || now() < Date.parse(cert.validFrom);
  let status: CertificateStatus = 'good';
  if (!chainOk) status = 'unknown';
  else if (revokedAt) status = 'revoked';
  else if (expired) status = 'expired';
  const crlCheck: Check =
    status === 'good'
      ? { name: 'crl', ok: true }
      : { name: 'crl', ok: false, reason: status === 'unknown' ? 'not in this CA\'s CRL scope' : `certificate ${status}` };

  const { certificates, officers } = db.t;
  const [known] = await db.orm
    .select({ nric: officers.nric, name: officers.name })
    .from(certificates)
    .innerJoin(officers, eq(officers.nric, certificates.nric))
    .where(eq(certificates.serial, serial));

  const checks = [signatureCheck, chainCheck, crlCheck];
  return {
    valid: checks.every((c) => c.ok),
    signer: known && chainOk ? known : { nric: serialNumberFromSubject(cert.subject), name: commonNameFromSubject(cert.subject) },
    signedAt: cms.signingTime?.toISOString() ?? null,
    certificate: { serial, status, revokedAt: revokedAt?.toISOString() ?? null },
    checks,
  };
}
