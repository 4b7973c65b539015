import { ContentInfo, SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert, AsnParser } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';
import { SigningCertificateV2 } from './essSigningCertificate.js';
import { OID } from './oids.js';
import { SignedAttributesSet } from './signedAttributes.js';

/** RFC 5652 §5.3 SignerIdentifier: which certificate the signer says it used. */
export type SignerId = { issuerDer: Buffer; serial: Buffer } | { subjectKeyId: Buffer };

/** What a verifier needs from a detached CMS SignedData with one signer. */
export interface ParsedCms {
  /** DER of every certificate in the SignedData (other certificate choices are left out). */
  certificates: Buffer[];
  signerId: SignerId;
  /** encapContentInfo's eContentType: what was signed (id-data for us). */
  eContentType: string;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  /** The signed attributes re-tagged as SET (RFC 5652 §5.4): the bytes the signature covers. */
  signedAttributes: Buffer;
  signature: Buffer;
  contentType: string | null;
  messageDigest: Buffer | null;
  signingTime: Date | null;
  signingCertificateHash: Buffer | null;
  hasEmbeddedContent: boolean;
}

/** The bytes are not a CMS SignedData at all: bad input (API.md, 400 bad_request). */
export class CmsFormatError extends Error {}

/**
 * A SignedData that cannot be verified as RoamSign's kind of signature (no single signer, no or
 * malformed signed attributes): a well-formed signature that does not verify, reported as
 * `valid: false` with this reason.
 */
export class UnverifiableCmsError extends Error {}

type Attribute = { attrType: string; attrValues: ArrayBuffer[] };

/**
 * The one value of a signed attribute, decoded; null when absent. RFC 5652 §11: contentType,
 * messageDigest and signingTime (and ESS's signingCertificateV2) hold exactly one value and
 * appear at most once; anything else is unverifiable.
 */
function attribute<T>(attrs: Attribute[], oid: string, name: string, decode: (der: ArrayBuffer) => T | null): T | null {
  const found = attrs.filter((a) => a.attrType === oid);
  if (found.length === 0) return null;
  if (found.length > 1 || found[0]!.attrValues.length !== 1) throw new UnverifiableCmsError(`${name} attribute must hold exactly one value`);
  let value: T | null;
  try {
    value = decode(found[0]!.attrValues[0]!);
  } catch (error) {
    if (error instanceof UnverifiableCmsError) throw error;
    throw new UnverifiableCmsError(`${name} attribute is malformed`, { cause: error });
  }
  if (value === null) throw new UnverifiableCmsError(`${name} attribute is malformed`);
  return value;
}

/** One complete DER value of the expected asn1js type, nothing after it. */
function berValue<T extends asn1js.BaseBlock>(der: ArrayBuffer, type: new () => T): T | null {
  const parsed = asn1js.fromBER(der);
  return parsed.offset === der.byteLength && parsed.result instanceof type ? parsed.result : null;
}

/**
 * RFC 5652 §11.3 signingTime: a UTCTime or GeneralizedTime naming a real instant. asn1js rolls
 * month 13 or second 99 over into the next unit; such a time is malformed, not another date.
 */
function strictTime(der: ArrayBuffer): Date | null {
  const time = berValue(der, asn1js.UTCTime) ?? berValue(der, asn1js.GeneralizedTime);
  if (!time) return null;
  const date = time.toDate();
  const fields = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  const written = [time.year, time.month, time.day, time.hour, time.minute, time.second];
  return fields.every((value, i) => value === written[i]) ? date : null;
}

function readSignerId(signer: SignerInfo): SignerId {
  const { issuerAndSerialNumber: ias, subjectKeyIdentifier: ski } = signer.sid;
  if (ias) {
    try {
      return { issuerDer: Buffer.from(AsnConvert.serialize(ias.issuer)), serial: Buffer.from(ias.serialNumber) };
    } catch (error) {
      // An issuer name whose string values cannot be encoded again (a crafted tag): not checkable, never a 5xx.
      throw new UnverifiableCmsError('signer identifier cannot be re-encoded', { cause: error });
    }
  }
  if (ski) return { subjectKeyId: Buffer.from(ski.buffer) };
  throw new UnverifiableCmsError('signer identifier is empty');
}

/**
 * Parses DER CMS. Throws CmsFormatError when it is not a SignedData at all, UnverifiableCmsError
 * when it is one that cannot be checked (not exactly one signer, no signed attributes, a
 * malformed or repeated signed attribute).
 */
export function parseDetachedCms(der: Uint8Array): ParsedCms {
  let signedData: SignedData;
  try {
    // DER is one complete value: trailing bytes make it something else.
    const outer = asn1js.fromBER(der);
    if (outer.offset !== der.byteLength) throw new CmsFormatError('not one DER value');
    const contentInfo = AsnParser.fromASN(outer.result, ContentInfo);
    if (contentInfo.contentType !== OID.signedData) throw new CmsFormatError('not a SignedData');
    signedData = AsnConvert.parse(contentInfo.content, SignedData);
  } catch (error) {
    if (error instanceof CmsFormatError) throw error;
    // Includes a RangeError from absurdly deep nesting: still just bytes that are not CMS.
    throw new CmsFormatError('not DER CMS', { cause: error });
  }
  const signer = signedData.signerInfos[0];
  if (signedData.signerInfos.length !== 1 || !signer) throw new UnverifiableCmsError('expected exactly one signer');
  if (!signer.signedAttrs || signer.signedAttrs.length === 0) throw new UnverifiableCmsError('no signed attributes');

  // Each attribute is read first, so that a malformed one is named in the report.
  const attrs = signer.signedAttrs;
  const contentType = attribute(attrs, OID.contentType, 'contentType', (v) => berValue(v, asn1js.ObjectIdentifier)?.valueBlock.toString() ?? null);
  const messageDigest = attribute(attrs, OID.messageDigest, 'messageDigest', (v) => {
    const octets = berValue(v, asn1js.OctetString);
    return octets ? Buffer.from(octets.valueBlock.valueHexView) : null;
  });
  const signingTime = attribute(attrs, OID.signingTime, 'signingTime', strictTime);
  const signingCertificateHash = attribute(attrs, OID.signingCertificateV2, 'signingCertificateV2', (v) => {
    const first = AsnConvert.parse(v, SigningCertificateV2).certs[0];
    if (!first) return null;
    // RFC 5035: hashAlgorithm DEFAULT sha256; another hash is one we do not check, so unverifiable.
    if (first.hashAlgorithm && first.hashAlgorithm.algorithm !== OID.sha256) throw new UnverifiableCmsError('signingCertificateV2 uses a hash other than SHA-256');
    return Buffer.from(first.certHash.buffer);
  });

  let signedAttributes: Buffer;
  let certificates: Buffer[];
  try {
    // RFC 5652 §5.4: the signature covers the attributes encoded as a SET. asn1-schema keeps each
    // attribute value's bytes as they were, so re-encoding in the order received gives those bytes.
    signedAttributes = Buffer.from(AsnConvert.serialize(new SignedAttributesSet(attrs)));
    certificates = (signedData.certificates ?? [])
      .filter((choice) => choice.certificate)
      .map((choice) => Buffer.from(AsnConvert.serialize(choice.certificate)));
  } catch (error) {
    throw new UnverifiableCmsError('signed attributes or certificates cannot be re-encoded', { cause: error });
  }

  return {
    certificates,
    signerId: readSignerId(signer),
    eContentType: signedData.encapContentInfo.eContentType,
    digestAlgorithm: signer.digestAlgorithm.algorithm,
    signatureAlgorithm: signer.signatureAlgorithm.algorithm,
    signedAttributes,
    signature: Buffer.from(signer.signature.buffer),
    contentType,
    messageDigest,
    signingTime,
    signingCertificateHash,
    hasEmbeddedContent: signedData.encapContentInfo.eContent !== undefined,
  };
}
