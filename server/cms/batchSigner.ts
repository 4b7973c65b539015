import crypto from 'node:crypto';
import { assembleSignedData, prepareDocument, prepareSigner, type CmsProfile } from './signDetached.js';

export interface CmsBatch {
  /** The DER of each document's signed attributes: what the vault signs. */
  toBeSigned: Uint8Array[];
  /** The detached CMS of each document, given the vault's signatures in the same order. */
  assemble(signatures: Uint8Array[]): Buffer[];
}

/** Where the three values that differ between signatures sit in a template's DER. */
interface Template {
  tbs: Buffer;
  tbsDigestAt: number;
  /** -1 in the PAdES profile: there is no signing time to patch. */
  tbsTimeAt: number;
  cms: Buffer;
  cmsDigestAt: number;
  cmsTimeAt: number;
  cmsSignatureAt: number;
  signatureLength: number;
}

// A placeholder signing time no certificate validity date will equal (UTCTime "010101000000Z").
const PLACEHOLDER_TIME = new Date(Date.UTC(2001, 0, 1));
const MAX_TEMPLATES = 1000;
const templates = new Map<string, Template | null>();

function uniqueOffset(haystack: Buffer, needle: Uint8Array): number {
  const first = haystack.indexOf(needle);
  return first >= 0 && haystack.indexOf(needle, first + 1) < 0 ? first : -1;
}

/** RFC 5280 §4.1.2.5.1 UTCTime as the ASN.1 library writes it: YYMMDDHHMMSSZ (years 1950–2049). */
function utcTime(date: Date): Buffer | null {
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 2049) return null;
  const two = (n: number) => String(n).padStart(2, '0');
  return Buffer.from(
    `${two(year % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`,
    'ascii',
  );
}

function buildTemplate(certificateDer: Uint8Array, signatureLength: number, profile: CmsProfile): Template | null {
  const digest = crypto.randomBytes(32);
  const signature = crypto.randomBytes(signatureLength);
  const setup = prepareSigner(certificateDer, profile === 'cades' ? PLACEHOLDER_TIME : null);
  const prepared = prepareDocument(setup, digest);
  const tbs = Buffer.from(prepared.toBeSigned);
  const cms = assembleSignedData(setup, prepared, signature);
  const time = utcTime(PLACEHOLDER_TIME)!;
  const template = {
    tbs,
    tbsDigestAt: uniqueOffset(tbs, digest),
    tbsTimeAt: profile === 'cades' ? uniqueOffset(tbs, time) : -1,
    cms,
    cmsDigestAt: uniqueOffset(cms, digest),
    cmsTimeAt: profile === 'cades' ? uniqueOffset(cms, time) : -1,
    cmsSignatureAt: uniqueOffset(cms, signature),
    signatureLength,
  };
  const timeFound = profile === 'pades' || (template.tbsTimeAt >= 0 && template.cmsTimeAt >= 0);
  return timeFound && [template.tbsDigestAt, template.cmsDigestAt, template.cmsSignatureAt].every((v) => v >= 0) ? template : null;
}

/** The template for a certificate and profile, built once with the ASN.1 library (null when it cannot be patched safely). */
function templateFor(certificateDer: Uint8Array, profile: CmsProfile): Template | null {
  const key = `${profile}:${crypto.createHash('sha256').update(certificateDer).digest('hex')}`;
  if (!templates.has(key)) {
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    const modulusBits = new crypto.X509Certificate(certificateDer).publicKey.asymmetricKeyDetails?.modulusLength;
    templates.set(key, modulusBits ? buildTemplate(certificateDer, modulusBits / 8, profile) : null);
  }
  return templates.get(key) ?? null;
}

/** The signing time's patch, when the profile has one. */
function timePatch(at: number, time: Buffer): [number, Uint8Array][] {
  return at >= 0 ? [[at, time]] : [];
}

function patched(template: Buffer, patches: [offset: number, bytes: Uint8Array][]): Buffer {
  const copy = Buffer.from(template);
  for (const [offset, bytes] of patches) copy.set(bytes, offset);
  return copy;
}

/**
 * Signs documents with one certificate at one signing time (one document, or a batch, "pukal").
 *
 * For each certificate a template CMS is built once through the ASN.1 library. Every CMS made with
 * that certificate differs from it only in three fixed-length values: the messageDigest (32 bytes),
 * the signingTime (a 13-byte UTCTime) and the RSA signature (the modulus length). So each CMS is
 * the template with those replaced: byte-identical to what the library builds (a unit test checks
 * this) at a fraction of the cost. When a value is not unique in the template's DER, or the time
 * does not fit UTCTime, every document goes through the library.
 *
 * `profile` 'pades' leaves the signingTime attribute out (ETSI EN 319 142-1: the time of a PDF
 * signature is its /M entry), so only the digest and the signature differ from the template.
 */
export function createCmsBatch(certificateDer: Uint8Array, signingTime: Date, digests: Uint8Array[], profile: CmsProfile = 'cades'): CmsBatch {
  if (digests.length === 0) return { toBeSigned: [], assemble: () => [] };
  const template = templateFor(certificateDer, profile);
  const time = utcTime(signingTime) ?? Buffer.alloc(0);
  if (!template || (profile === 'cades' && time.length === 0)) {
    const setup = prepareSigner(certificateDer, profile === 'cades' ? signingTime : null);
    const prepared = digests.map((digest) => prepareDocument(setup, digest));
    return {
      toBeSigned: prepared.map((p) => p.toBeSigned),
      assemble: (signatures) => signatures.map((signature, i) => assembleSignedData(setup, prepared[i]!, signature)),
    };
  }
  return {
    toBeSigned: digests.map((digest) => patched(template.tbs, [[template.tbsDigestAt, digest], ...timePatch(template.tbsTimeAt, time)])),
    assemble(signatures) {
      return signatures.map((signature, i) => {
        if (signature.length !== template.signatureLength) throw new Error('signature length differs from the certificate key size');
        return patched(template.cms, [[template.cmsDigestAt, digests[i]!], ...timePatch(template.cmsTimeAt, time), [template.cmsSignatureAt, signature]]);
      });
    },
  };
}

/**
 * One batch whose documents may differ in profile (a PDF's PAdES CMS beside a screen's CAdES
 * one): each profile signs through its own template, in the documents' order. No profiles, or a
 * short list, means CAdES for the rest.
 */
export function createProfiledCmsBatch(certificateDer: Uint8Array, signingTime: Date, digests: Uint8Array[], profiles: readonly CmsProfile[]): CmsBatch {
  const profileOf = (i: number): CmsProfile => profiles[i] ?? 'cades';
  if (digests.every((_, i) => profileOf(i) === profileOf(0))) return createCmsBatch(certificateDer, signingTime, digests, profileOf(0));
  const groups = (['cades', 'pades'] as const).map((profile) => {
    const indexes = digests.flatMap((_, i) => (profileOf(i) === profile ? [i] : []));
    return { indexes, batch: createCmsBatch(certificateDer, signingTime, indexes.map((i) => digests[i]!), profile) };
  });
  const toBeSigned: Uint8Array[] = new Array(digests.length);
  for (const { indexes, batch } of groups) indexes.forEach((i, k) => (toBeSigned[i] = batch.toBeSigned[k]!));
  return {
    toBeSigned,
    assemble(signatures) {
      const out: Buffer[] = new Array(digests.length);
      for (const { indexes, batch } of groups) batch.assemble(indexes.map((i) => signatures[i]!)).forEach((cms, k) => (out[indexes[k]!] = cms));
      return out;
    },
  };
}
