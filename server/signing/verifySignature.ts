import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { CertificateStatus, VerificationReport } from '../../shared/schemas/verify.js';
import { normaliseSerial, type CertificateAuthority } from '../ca/certificateAuthority.js';
import { OID } from '../cms/oids.js';
import { findSignerCertificate } from '../cms/findSignerCertificate.js';
import { parseDetachedCms, UnverifiableCmsError, type ParsedCms } from '../cms/parseDetached.js';
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
  if (cms.eContentType !== OID.data) return fail('encapsulated content type is not id-data');
  if (cms.contentType !== OID.data) return fail('contentType attribute missing or not id-data');
  if (!cms.messageDigest || !cms.messageDigest.equals(digest)) return fail('messageDigest does not match the document');
  if (cms.signingCertificateHash && !cms.signingCertificateHash.equals(crypto.createHash('sha256').update(cert.raw).digest())) {
    return fail('signingCertificateV2 does not name the signer certificate');
  }
  if (cms.signatureAlgorithm !== OID.sha256WithRSAEncryption && cms.signatureAlgorithm !== OID.rsaEncryption) {
    return fail('unsupported signature algorithm');
  }
  let key: crypto.KeyObject;
  try {
    key = cert.publicKey;
  } catch {
    return fail('signer certificate public key cannot be read');
  }
  if (key.asymmetricKeyType !== 'rsa') return fail('signer certificate does not hold an RSA key');
  try {
    const ok = crypto.verify('sha256', cms.signedAttributes, key, cms.signature);
    return ok ? { name: 'signature', ok } : fail('signature value does not verify');
  } catch {
    // OpenSSL refuses malformed signature values outright (wrong length for the key, …).
    return fail('signature value does not verify');
  }
}

/** Issued by our CA and signed with its key; any parse or algorithm trouble is simply "not". */
function issuedBy(cert: crypto.X509Certificate, caCert: crypto.X509Certificate): boolean {
  try {
    return cert.checkIssued(caCert) && cert.verify(caCert.publicKey);
  } catch {
    return false;
  }
}

/** The report for a signature that cannot be checked at all: every check fails with the reason. */
function unverifiable(reason: string, cms: ParsedCms | null): VerificationReport {
  const named = cms && 'serial' in cms.signerId ? normaliseSerial(cms.signerId.serial.toString('hex')) : '';
  return {
    valid: false,
    signer: { nric: null, name: null },
    signedAt: cms?.signingTime?.toISOString() ?? null,
    certificate: { serial: named, status: 'unknown', revokedAt: null },
    checks: [
      { name: 'signature', ok: false, reason },
      { name: 'chain', ok: false, reason },
      { name: 'crl', ok: false, reason },
    ],
  };
}

/**
 * Verifies a detached CMS signature over a document digest: the signature itself, made with the
 * certificate its signer identifier names, that certificate's chain to our CA, and its status in
 * the current CRL (DESIGN.md step 12). Throws CmsFormatError (bad input) only when the bytes are
 * not a CMS SignedData; every other defect is a report with `valid: false` and the reason.
 */
export async function verifySignature(options: {
  db: Db;
  ca: CertificateAuthority;
  signature: Uint8Array;
  digest: Buffer;
  now: () => number;
}): Promise<VerificationReport> {
  const { db, ca, digest, now } = options;
  let cms: ParsedCms;
  try {
    cms = parseDetachedCms(options.signature);
  } catch (error) {
    if (error instanceof UnverifiableCmsError) return unverifiable(error.message, null);
    throw error;
  }
  const caCert = new crypto.X509Certificate(Buffer.from(ca.certificate.rawData));

  if (cms.certificates.length === 0) return unverifiable('no signer certificate in the CMS', cms);
  const signerDer = findSignerCertificate(cms.certificates, cms.signerId);
  if (!signerDer) return unverifiable('signer identifier matches no certificate in the CMS', cms);
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(signerDer);
  } catch {
    return unverifiable('signer certificate cannot be read', cms);
  }
  const serial = normaliseSerial(cert.serialNumber);

  const signatureCheck = checkSignature(cms, cert, digest);

  const chainOk = issuedBy(cert, caCert);
  const chainCheck: Check = chainOk ? { name: 'chain', ok: true } : { name: 'chain', ok: false, reason: 'not issued by the RoamSign CA' };

  const crl = await ca.currentCrl();
  const revokedAt = chainOk ? crl.revoked.get(serial) ?? null : null;
  const expired = !(now() <= Date.parse(cert.validTo) && now() >= Date.parse(cert.validFrom));
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
  const passkey = signatureCheck.ok ? await passkeyBehind(db, options.signature, digest, serial) : undefined;
  return {
    valid: checks.every((c) => c.ok),
    signer: known && chainOk ? known : { nric: serialNumberFromSubject(cert.subject), name: commonNameFromSubject(cert.subject) },
    signedAt: cms.signingTime?.toISOString() ?? null,
    certificate: { serial, status, revokedAt: revokedAt?.toISOString() ?? null },
    checks,
    ...(passkey ? { passkey } : {}),
  };
}

/** The passkey that authorised this very CMS, if one did (issue 11): found through the stored signature. */
async function passkeyBehind(db: Db, signature: Uint8Array, digest: Buffer, serial: string): Promise<VerificationReport['passkey']> {
  const { signatures, signingPasskeys } = db.t;
  const rows = await db.orm
    .select({ cms: signatures.cms, credentialId: signingPasskeys.credentialId, authenticatorData: signingPasskeys.authenticatorData, counter: signingPasskeys.counter, usedAt: signingPasskeys.usedAt })
    .from(signatures)
    .innerJoin(signingPasskeys, eq(signingPasskeys.requestId, signatures.requestId))
    .where(and(eq(signatures.digest, digest.toString('base64')), eq(signatures.certificateSerial, serial)));
  const row = rows.find((r) => Buffer.from(r.cms).equals(Buffer.from(signature)));
  return row
    ? { credentialId: row.credentialId, authenticatorData: Buffer.from(row.authenticatorData).toString('base64'), counter: row.counter, usedAt: new Date(row.usedAt).toISOString() }
    : undefined;
}
