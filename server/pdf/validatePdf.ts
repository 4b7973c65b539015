import crypto from 'node:crypto';
import { PdfArray, PdfDict, PdfRef, PdfStream } from '@libpdf/core';
import type { PdfSignatureReport, PdfValidationReport } from '../../shared/schemas/pdf.js';
import type { VerificationReport } from '../../shared/schemas/verify.js';
import { findSignatureTimeStamp } from '../cms/findSignatureTimeStamp.js';
import { CmsFormatError, parseDetachedCms } from '../cms/parseDetached.js';
import { verifyTimeStampToken, type TimeStampCheck } from '../cms/verifyTimeStampToken.js';
import { findChangesAfter } from './findChangesAfter.js';
import { readPdfSignatures, type PdfSignatureEntry } from './readPdfSignatures.js';

/** The bytes are not a PDF RoamSign can read: bad input (400), never a report. */
export class PdfFormatError extends Error {}

type Check = PdfSignatureReport['checks'][number];
type Level = NonNullable<PdfSignatureReport['level']>;

/** One DER value without the zero padding of its /Contents placeholder. */
function derOnly(bytes: Buffer): Buffer {
  if (bytes.length < 2 || bytes[0] !== 0x30) return bytes;
  const first = bytes[1]!;
  if (first < 0x80) return bytes.subarray(0, 2 + first);
  const count = first & 0x7f;
  if (count === 0 || count > 4 || bytes.length < 2 + count) return bytes;
  return bytes.subarray(0, Math.min(bytes.length, 2 + count + bytes.readUIntBE(2, count)));
}

/**
 * ISO 32000-1 §12.8.1: the byte range starts at 0 and leaves out exactly the /Contents hex string
 * (its angle brackets included), and ends where a revision ends. Returns the SHA-256 of the range,
 * or why it is unacceptable.
 */
function checkByteRange(bytes: Buffer, entry: PdfSignatureEntry, revisionEnds: number[]): { ok: true; digest: Buffer; end: number } | { ok: false; reason: string } {
  const range = entry.byteRange;
  if (!range) return { ok: false, reason: 'ByteRange is not four non-negative integers' };
  const [start, length1, offset2, length2] = range;
  const end = offset2 + length2;
  if (start !== 0 || length1 >= offset2 || end > bytes.length) return { ok: false, reason: 'ByteRange does not lie within the file' };
  if (bytes[length1] !== 0x3c || bytes[offset2 - 1] !== 0x3e) return { ok: false, reason: 'ByteRange gap is not the /Contents string' };
  if (!/^[0-9A-Fa-f]*$/.test(bytes.subarray(length1 + 1, offset2 - 1).toString('latin1'))) return { ok: false, reason: 'ByteRange gap holds more than the signature' };
  if (end !== bytes.length && !revisionEnds.includes(end)) return { ok: false, reason: 'ByteRange does not end at a revision' };
  const digest = crypto.createHash('sha256').update(bytes.subarray(0, length1)).update(bytes.subarray(offset2, end)).digest();
  return { ok: true, digest, end };
}

/** The DER of each stream listed under `key` in the final /DSS. */
function dssStreams(dss: PdfDict | undefined, key: string, resolve: (ref: PdfRef) => unknown): Buffer[] {
  const array = dss?.get(key);
  const items = array instanceof PdfRef ? resolve(array) : array;
  if (!(items instanceof PdfArray)) return [];
  return [...items].flatMap((item) => {
    const stream = item instanceof PdfRef ? resolve(item) : item;
    return stream instanceof PdfStream ? [Buffer.from(stream.getDecodedData())] : [];
  });
}

const LEVEL_NAMES: Record<'B-B' | 'B-T' | 'B-LT' | 'B-LTA', Level> = {
  'B-B': 'PAdES-BASELINE-B',
  'B-T': 'PAdES-BASELINE-T',
  'B-LT': 'PAdES-BASELINE-LT',
  'B-LTA': 'PAdES-BASELINE-LTA',
};

/**
 * The validation report of every signature in a PDF (ETSI EN 319 102-1 indications, EN 319
 * 142-1 levels): its byte range, its CMS (through `verifyCms`, RoamSign's CMS verifier: signature
 * value, chain to the CA, revocation), its time-stamps (trusted authorities only), the best
 * signature time, the level, and what the document's later revisions changed.
 *
 * Indications: a digest or signature value that does not verify, or a malformed signature, is
 * TOTAL_FAILED; a signer certificate not from the CA is INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND;
 * revoked or expired with no proof of existence before is INDETERMINATE (REVOKED_NO_POE,
 * OUT_OF_BOUNDS_NO_POE), with a trusted time-stamp before it the signature passes; a later change
 * that is neither a signature nor form filling is INDETERMINATE/SIG_CONSTRAINTS_FAILURE.
 */
export async function validatePdf(options: {
  pdf: Uint8Array;
  verifyCms: (cms: Uint8Array, digest: Buffer) => Promise<VerificationReport>;
  trustedTimeStampAuthorities: Uint8Array[];
  now: () => number;
}): Promise<PdfValidationReport> {
  const bytes = Buffer.from(options.pdf.buffer, options.pdf.byteOffset, options.pdf.byteLength);
  const read = await readPdfSignatures(bytes);
  if (!read.ok) throw new PdfFormatError(read.message);
  const resolve = (ref: PdfRef) => read.pdf.getObject(ref);
  const dssEntry = read.pdf.getCatalog().get('DSS');
  const dss = (dssEntry instanceof PdfRef ? resolve(dssEntry) : dssEntry) as PdfDict | undefined;
  const dssCertificates = dssStreams(dss, 'Certs', resolve);
  const dssRevocation = dssStreams(dss, 'CRLs', resolve).length + dssStreams(dss, 'OCSPs', resolve).length;

  // Document time-stamps first: each one proves the existence of every revision it covers.
  const ranges = read.signatures.map((entry) => checkByteRange(bytes, entry, read.revisionEnds));
  const documentStamps = read.signatures.flatMap((entry, i) => {
    const range = ranges[i]!;
    if (entry.kind !== 'document-timestamp' || !range.ok) return [];
    const check = verifyTimeStampToken({ token: derOnly(entry.contents), digest: range.digest, trustedAuthorities: options.trustedTimeStampAuthorities });
    return [{ index: i, end: range.end, check }];
  });

  const reports: PdfSignatureReport[] = [];
  for (const [i, entry] of read.signatures.entries()) {
    const range = ranges[i]!;
    const checks: Check[] = [];
    const base = {
      field: entry.field,
      kind: entry.kind,
      subFilter: entry.subFilter,
      claimedTime: entry.claimedTime?.toISOString() ?? null,
      coversWholeDocument: range.ok && range.end === bytes.length,
    };
    if (!range.ok) {
      reports.push({
        ...base,
        indication: 'TOTAL_FAILED',
        subIndication: 'FORMAT_FAILURE',
        signer: { nric: null, name: null },
        certificateSerial: null,
        certificateStatus: null,
        provenTime: null,
        timeSource: 'none',
        level: null,
        changesAfter: 'other',
        changes: [],
        checks: [{ name: 'byte-range', ok: false, reason: range.reason }],
      });
      continue;
    }
    checks.push({ name: 'byte-range', ok: true });
    const changes = await findChangesAfter({ bytes, coveredLength: range.end, later: read.pdf });
    const laterStamp = documentStamps.find((s) => s.index > i && s.end > range.end && s.check.ok);

    if (entry.kind === 'document-timestamp') {
      const own = documentStamps.find((s) => s.index === i)!.check;
      checks.push(own.ok ? { name: 'time-stamp', ok: true } : { name: 'time-stamp', ok: false, reason: own.reason });
      reports.push({
        ...base,
        indication: own.ok ? (changes.kind === 'other' ? 'INDETERMINATE' : 'TOTAL_PASSED') : own.reason === 'TSA is not trusted' ? 'INDETERMINATE' : 'TOTAL_FAILED',
        subIndication: own.ok ? (changes.kind === 'other' ? 'SIG_CONSTRAINTS_FAILURE' : null) : own.reason === 'TSA is not trusted' ? 'NO_CERTIFICATE_CHAIN_FOUND' : 'HASH_FAILURE',
        signer: { nric: null, name: own.ok ? new crypto.X509Certificate(own.tsaCertificate).subject.replace(/\n/g, ', ') : null },
        certificateSerial: own.ok ? new crypto.X509Certificate(own.tsaCertificate).serialNumber.toLowerCase() : null,
        certificateStatus: null,
        provenTime: own.genTime?.toISOString() ?? null,
        timeSource: own.ok ? 'document-time-stamp' : 'none',
        level: null,
        changesAfter: changes.kind,
        changes: changes.changes,
        checks,
      });
      continue;
    }

    const cms = derOnly(entry.contents);
    let verification: VerificationReport | null = null;
    let signingTimePresent = false;
    try {
      verification = await options.verifyCms(cms, range.digest);
      signingTimePresent = parseDetachedCms(cms).signingTime !== null;
    } catch (error) {
      if (!(error instanceof CmsFormatError)) throw error;
    }
    if (!verification) {
      reports.push({
        ...base,
        indication: 'TOTAL_FAILED',
        subIndication: 'FORMAT_FAILURE',
        signer: { nric: null, name: null },
        certificateSerial: null,
        certificateStatus: null,
        provenTime: null,
        timeSource: 'none',
        level: null,
        changesAfter: changes.kind,
        changes: changes.changes,
        checks: [...checks, { name: 'signature', ok: false, reason: '/Contents is not a CMS SignedData' }],
      });
      continue;
    }
    checks.push(...verification.checks);
    const pades = entry.subFilter === 'ETSI.CAdES.detached';
    // ETSI EN 319 142-1 §6.3 table 1: a PAdES baseline signature has no signing-time attribute.
    if (pades) checks.push(signingTimePresent ? { name: 'pades-profile', ok: false, reason: 'CMS has a signing-time attribute (PAdES baseline forbids it)' } : { name: 'pades-profile', ok: true });

    const stamp = findSignatureTimeStamp(cms);
    let signatureStamp: TimeStampCheck | null = null;
    if (stamp.token && stamp.signatureValue) {
      signatureStamp = verifyTimeStampToken({ token: stamp.token, digest: crypto.createHash('sha256').update(stamp.signatureValue).digest(), trustedAuthorities: options.trustedTimeStampAuthorities });
      checks.push(signatureStamp.ok ? { name: 'time-stamp', ok: true } : { name: 'time-stamp', ok: false, reason: signatureStamp.reason });
    }
    const poeCandidates = [
      ...(signatureStamp?.ok ? [{ at: signatureStamp.genTime, source: 'signature-time-stamp' as const }] : []),
      ...(laterStamp?.check.ok ? [{ at: laterStamp.check.genTime, source: 'document-time-stamp' as const }] : []),
    ].sort((a, b) => a.at.getTime() - b.at.getTime());
    const poe = poeCandidates[0] ?? null;

    let level: Level | null = null;
    if (pades) {
      let name: keyof typeof LEVEL_NAMES = 'B-B';
      if (poe) name = 'B-T';
      const signerDer = parseSignerDer(cms);
      const longTerm = name === 'B-T' && dssRevocation > 0 && signerDer !== null && dssCertificates.some((c) => c.equals(signerDer));
      if (longTerm) name = 'B-LT';
      // B-LTA: a trusted document time-stamp after the /DSS (it covers the signature too).
      if (longTerm && laterStamp) name = 'B-LTA';
      level = LEVEL_NAMES[name];
    }

    const failed = (name: string) => checks.find((c) => c.name === name && !c.ok);
    let indication: PdfSignatureReport['indication'] = 'TOTAL_PASSED';
    let subIndication: string | null = null;
    const signatureCheck = failed('signature');
    const status = verification.certificate.status;
    const revokedAt = verification.certificate.revokedAt ? Date.parse(verification.certificate.revokedAt) : null;
    if (signatureCheck) {
      indication = 'TOTAL_FAILED';
      subIndication = /messageDigest/.test(signatureCheck.reason ?? '') ? 'HASH_FAILURE' : 'SIG_CRYPTO_FAILURE';
    } else if (failed('pades-profile')) {
      indication = 'TOTAL_FAILED';
      subIndication = 'FORMAT_FAILURE';
    } else if (failed('chain')) {
      indication = 'INDETERMINATE';
      subIndication = 'NO_CERTIFICATE_CHAIN_FOUND';
    } else if (status === 'revoked' && !(poe && revokedAt !== null && poe.at.getTime() < revokedAt)) {
      indication = 'INDETERMINATE';
      subIndication = 'REVOKED_NO_POE';
    } else if (status === 'expired' && !poe) {
      indication = 'INDETERMINATE';
      subIndication = 'OUT_OF_BOUNDS_NO_POE';
    } else if (changes.kind === 'other') {
      indication = 'INDETERMINATE';
      subIndication = 'SIG_CONSTRAINTS_FAILURE';
    }
    reports.push({
      ...base,
      indication,
      subIndication,
      signer: verification.signer,
      certificateSerial: verification.certificate.serial,
      certificateStatus: status,
      provenTime: poe?.at.toISOString() ?? null,
      timeSource: poe?.source ?? 'none',
      level,
      changesAfter: changes.kind,
      changes: changes.changes,
      checks,
    });
  }
  return { valid: reports.length > 0 && reports.every((r) => r.indication === 'TOTAL_PASSED'), signatures: reports, checkedAt: new Date(options.now()).toISOString() };
}

/** The signer certificate's DER as the CMS names it (for the /DSS look-up). */
function parseSignerDer(cms: Buffer): Buffer | null {
  try {
    const parsed = parseDetachedCms(cms);
    return parsed.certificates[0] ?? null;
  } catch {
    return null;
  }
}
