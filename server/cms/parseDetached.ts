import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Time } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { EssCertIdV2, SigningCertificateV2 } from './essSigningCertificate.js';
import { OID } from './oids.js';
import { SignedAttributesSet } from './signedAttributes.js';

/** What a verifier needs from a detached CMS SignedData with one signer. */
export interface ParsedCms {
  certificates: Buffer[];
  issuerAndSerial: { issuerDer: Buffer; serialHex: string } | null;
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

export class CmsFormatError extends Error {}

function attributeValue(attrs: { attrType: string; attrValues: ArrayBuffer[] }[], oid: string): ArrayBuffer | null {
  const attr = attrs.find((a) => a.attrType === oid);
  return attr?.attrValues.length === 1 ? attr.attrValues[0]! : null;
}

function octetString(der: ArrayBuffer): Buffer | null {
  const value = asn1js.fromBER(der).result;
  return value instanceof asn1js.OctetString ? Buffer.from(value.valueBlock.valueHexView) : null;
}

/** Parses DER CMS; throws CmsFormatError when it is not a SignedData with one signer and signed attributes. */
export function parseDetachedCms(der: Uint8Array): ParsedCms {
  let signedData: SignedData;
  try {
    const contentInfo = AsnConvert.parse(der, ContentInfo);
    if (contentInfo.contentType !== OID.signedData) throw new CmsFormatError('not a SignedData');
    signedData = AsnConvert.parse(contentInfo.content, SignedData);
  } catch (error) {
    if (error instanceof CmsFormatError) throw error;
    throw new CmsFormatError('not DER CMS', { cause: error });
  }
  const signer = signedData.signerInfos[0];
  if (signedData.signerInfos.length !== 1 || !signer) throw new CmsFormatError('expected exactly one signer');
  if (!signer.signedAttrs || signer.signedAttrs.length === 0) throw new CmsFormatError('no signed attributes');

  // RFC 5652 §5.4: the signature covers the attributes encoded as a SET. asn1-schema keeps each
  // attribute value's bytes as they were, so re-encoding in the order received gives those bytes.
  const signedAttributes = Buffer.from(AsnConvert.serialize(new SignedAttributesSet(signer.signedAttrs)));

  const attrs = signer.signedAttrs;
  const contentType = attributeValue(attrs, OID.contentType);
  const messageDigest = attributeValue(attrs, OID.messageDigest);
  const signingTime = attributeValue(attrs, OID.signingTime);
  const essValue = attributeValue(attrs, OID.signingCertificateV2);

  let signingCertificateHash: Buffer | null = null;
  if (essValue) {
    const ess = AsnConvert.parse(essValue, SigningCertificateV2);
    const first: EssCertIdV2 | undefined = ess.certs[0];
    if (first && (!first.hashAlgorithm || first.hashAlgorithm.algorithm === OID.sha256)) {
      signingCertificateHash = Buffer.from(first.certHash.buffer);
    }
  }

  const sid = signer.sid.issuerAndSerialNumber;
  return {
    certificates: (signedData.certificates ?? [])
      .filter((choice) => choice.certificate)
      .map((choice) => Buffer.from(AsnConvert.serialize(choice.certificate))),
    issuerAndSerial: sid
      ? { issuerDer: Buffer.from(AsnConvert.serialize(sid.issuer)), serialHex: Buffer.from(sid.serialNumber).toString('hex') }
      : null,
    digestAlgorithm: signer.digestAlgorithm.algorithm,
    signatureAlgorithm: signer.signatureAlgorithm.algorithm,
    signedAttributes,
    signature: Buffer.from(signer.signature.buffer),
    contentType: contentType ? (asn1js.fromBER(contentType).result as asn1js.ObjectIdentifier).valueBlock.toString() : null,
    messageDigest: messageDigest ? octetString(messageDigest) : null,
    signingTime: signingTime ? AsnConvert.parse(signingTime, Time).getTime() : null,
    signingCertificateHash,
    hasEmbeddedContent: signedData.encapContentInfo.eContent !== undefined,
  };
}
