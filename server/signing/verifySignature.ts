import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { CertificateStatus, Indication, SubIndication, VerificationReport } from '../../shared/schemas/verify.js';
import { normaliseSerial, type CertificateAuthority } from '../ca/certificateAuthority.js';
import { x509 } from '../ca/x509Setup.js';
import { findSignatureTimeStamp } from '../cms/findSignatureTimeStamp.js';
import { OID } from '../cms/oids.js';
import { verifyTimeStampToken } from '../cms/verifyTimeStampToken.js';
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

/** The report for a signature that cannot be checked at all: every check fails with the reason. */
function unverifiable(reason: string, cms: ParsedCms | null, subIndication: SubIndication = 'FORMAT_FAILURE'): VerificationReport {
  const named = cms && 'serial' in cms.signerId ? normaliseSerial(cms.signerId.serial.toString('hex')) : '';
  return {
    valid: false,
    indication: 'INDETERMINATE',
    subIndication,
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

/** The proof of existence a signature time-stamp gives (null without one), and its check. */
function proofOfExistence(signature: Uint8Array, trusted: Uint8Array[]): { time: Date | null; check: Check | null } {
  const { token, signatureValue } = findSignatureTimeStamp(signature);
  if (!token || !signatureValue) return { time: null, check: null };
  let result: ReturnType<typeof verifyTimeStampToken>;
  try {
    result = verifyTimeStampToken({ token, digest: crypto.createHash('sha256').update(signatureValue).digest(), trustedAuthorities: trusted });
  } catch {
    // A token whose certificate or signature cannot even be read (crafted bytes): no proof, never a 5xx.
    result = { ok: false, reason: 'token cannot be read', genTime: null };
  }
  if (result.ok && !Number.isFinite(result.genTime.getTime())) result = { ok: false, reason: 'token time cannot be read', genTime: null };
  return result.ok ? { time: result.genTime, check: { name: 'timestamp', ok: true } } : { time: null, check: { name: 'timestamp', ok: false, reason: result.reason } };
}

/** The CRL entry of a serial: when and why it was revoked. */
function revocationOf(crlDer: Buffer, serial: string): { at: Date; reason: string } | null {
  const crl = new x509.X509Crl(new Uint8Array(crlDer));
  const entry = crl.entries.find((e) => normaliseSerial(e.serialNumber) === serial);
  if (!entry) return null;
  return { at: entry.revocationDate, reason: entry.reason === undefined ? 'unspecified' : x509.X509CrlReason[entry.reason] };
}

/**
 * Verifies a detached CMS signature over a document digest: the signature itself, made with the
 * certificate its signer identifier names, that certificate's chain to our CA, and its status in
 * the current CRL (DESIGN.md step 12). Throws CmsFormatError (bad input) only when the bytes are
 * not a CMS SignedData; every other defect is a report with `valid: false` and the reason.
 *
 * Issue 20, ETSI EN 319 102-1: the certificate is judged at the best signature time, the genTime
 * of a signature time-stamp from a trusted TSA (the proof of existence), else now. Revoked for any
 * reason, or expired, after the proven time: passed, the revocation shown (the signature existed
 * while the key was the officer's alone). Revoked for keyCompromise at or before the proven time:
 * TOTAL_FAILED/REVOKED. Revoked for another reason before the proven time, or revoked or expired
 * with no proof of time: INDETERMINATE (REVOKED_NO_POE, OUT_OF_BOUNDS_NO_POE).
 */
export async function verifySignature(options: {
  db: Db;
  ca: CertificateAuthority;
  signature: Uint8Array;
  digest: Buffer;
  now: () => number;
  /** Certificates trusted to issue time-stamp tokens (the TSA or its CA); default: the RoamSign CA. */
  trustedTimeStampAuthorities?: Uint8Array[];
}): Promise<VerificationReport> {
  const { db, ca, digest, now } = options;
  let cms: ParsedCms;
  try {
    cms = parseDetachedCms(options.signature);
  } catch (error) {
    if (error instanceof UnverifiableCmsError) return unverifiable(error.message, null);
    throw error;
  }
  if (cms.certificates.length === 0) return unverifiable('no signer certificate in the CMS', cms, 'NO_SIGNING_CERTIFICATE_FOUND');
  const signerDer = findSignerCertificate(cms.certificates, cms.signerId);
  if (!signerDer) return unverifiable('signer identifier matches no certificate in the CMS', cms, 'NO_SIGNING_CERTIFICATE_FOUND');
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(signerDer);
  } catch {
    return unverifiable('signer certificate cannot be read', cms);
  }
  const serial = normaliseSerial(cert.serialNumber);

  const signatureCheck = checkSignature(cms, cert, digest);

  // Any of the CA's generations: a signature made before a roll-over still chains (issue 21).
  const issuer = ca.issuerOf(signerDer);
  const chainOk = issuer !== undefined;
  const chainCheck: Check = chainOk ? { name: 'chain', ok: true } : { name: 'chain', ok: false, reason: 'not issued by the RoamSign CA' };

  const poe = proofOfExistence(options.signature, options.trustedTimeStampAuthorities ?? [new Uint8Array(ca.certificate.rawData)]);
  const validationTime = now();
  const bestTime = poe.time?.getTime() ?? validationTime;

  // The CRL of the CA generation that issued it (every generation's CRL goes on after a roll-over).
  const revocation = issuer ? revocationOf((await ca.currentCrl(issuer.id)).der, serial) : null;
  const notAfter = Date.parse(cert.validTo);
  const expiredNow = !(validationTime <= notAfter && validationTime >= Date.parse(cert.validFrom));
  const validAtBestTime = bestTime <= notAfter && bestTime >= Date.parse(cert.validFrom);
  let status: CertificateStatus = 'good';
  if (!chainOk) status = 'unknown';
  else if (revocation) status = 'revoked';
  else if (expiredNow) status = 'expired';

  // The certificate at the best signature time (ETSI EN 319 102-1 §5.2.6, §5.5).
  let certificateVerdict: { ok: true } | { ok: false; indication: Indication; subIndication: SubIndication; reason: string } = { ok: true };
  if (!chainOk) certificateVerdict = { ok: false, indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND', reason: "not in this CA's CRL scope" };
  else if (revocation?.reason === 'keyCompromise' && poe.time && revocation.at.getTime() <= bestTime) {
    // The key was declared out of the officer's hands before this signature existed.
    certificateVerdict = { ok: false, indication: 'TOTAL_FAILED', subIndication: 'REVOKED', reason: 'certificate revoked (keyCompromise)' };
  } else if (revocation && (!poe.time || revocation.at.getTime() <= bestTime)) {
    const reason = `certificate revoked (${revocation.reason}) ${poe.time ? 'before the proven time' : 'and no proof of the signing time'}`;
    certificateVerdict = { ok: false, indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE', reason };
  } else if (!validAtBestTime) {
    certificateVerdict = { ok: false, indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE', reason: poe.time ? 'certificate not valid at the proven time' : 'certificate expired and no proof of the signing time' };
  }
  const crlCheck: Check = certificateVerdict.ok ? { name: 'crl', ok: true } : { name: 'crl', ok: false, reason: certificateVerdict.reason };

  const { certificates, officers } = db.t;
  const [known] = await db.orm
    .select({ nric: officers.nric, name: officers.name })
    .from(certificates)
    .innerJoin(officers, eq(officers.nric, certificates.nric))
    .where(eq(certificates.serial, serial));

  const checks = [signatureCheck, chainCheck, crlCheck, ...(poe.check ? [poe.check] : [])];
  let indication: Indication = 'TOTAL_PASSED';
  let subIndication: SubIndication | null = null;
  if (!signatureCheck.ok) {
    indication = 'TOTAL_FAILED';
    subIndication = signatureCheck.reason === 'messageDigest does not match the document' ? 'HASH_FAILURE' : 'SIG_CRYPTO_FAILURE';
  } else if (!certificateVerdict.ok) {
    indication = certificateVerdict.indication;
    subIndication = certificateVerdict.subIndication;
  } else if (poe.check && !poe.check.ok) {
    // A time-stamp that does not prove anything: the signature stands, but not as time-stamped.
    indication = 'INDETERMINATE';
    subIndication = 'NO_POE';
  }
  const passkey = signatureCheck.ok ? await passkeyBehind(db, options.signature, digest, serial) : undefined;
  return {
    valid: indication === 'TOTAL_PASSED',
    indication,
    subIndication,
    bestSignatureTime: new Date(bestTime).toISOString(),
    bestSignatureTimeSource: poe.time ? 'signature-time-stamp' : 'validation-time',
    signatureLevel: poe.time ? 'CAdES-BASELINE-T' : 'CAdES-BASELINE-B',
    signer: known && chainOk ? known : { nric: serialNumberFromSubject(cert.subject), name: commonNameFromSubject(cert.subject) },
    signedAt: cms.signingTime?.toISOString() ?? null,
    certificate: {
      serial,
      status,
      revokedAt: revocation?.at.toISOString() ?? null,
      revocationReason: revocation?.reason ?? null,
      ...(Number.isFinite(notAfter) ? { notAfter: new Date(notAfter).toISOString() } : {}),
    },
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
