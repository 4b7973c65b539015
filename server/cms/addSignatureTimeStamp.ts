import crypto from 'node:crypto';
import { Attribute, ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { OID } from './oids.js';

/** The digest a signature time-stamp covers: SHA-256 of the SignerInfo's signature value (RFC 3161 Appendix A). */
export function signatureValueDigest(cmsDer: Uint8Array): Buffer {
  const signedData = AsnConvert.parse(AsnConvert.parse(cmsDer, ContentInfo).content, SignedData);
  const signer = signedData.signerInfos[0];
  if (!signer) throw new Error('CMS has no signer');
  return crypto.createHash('sha256').update(Buffer.from(signer.signature.buffer)).digest();
}

/**
 * Adds a signature time-stamp token to a CMS's one SignerInfo as the unsigned attribute
 * id-aa-signatureTimeStampToken (RFC 3161 Appendix A; CAdES/PAdES B-T, ETSI EN 319 122-1
 * §5.3). Unsigned attributes are outside what the signer signed, so the signature stays valid;
 * the result without the new attribute is checked to be the input byte for byte.
 */
export function addSignatureTimeStamp(cmsDer: Uint8Array, tokenDer: Uint8Array): Buffer {
  const contentInfo = AsnConvert.parse(cmsDer, ContentInfo);
  const signedData = AsnConvert.parse(contentInfo.content, SignedData);
  const signer = signedData.signerInfos[0];
  if (signedData.signerInfos.length !== 1 || !signer) throw new Error('CMS must have exactly one signer');
  if (signer.unsignedAttrs?.length) throw new Error('CMS already has unsigned attributes');
  signer.unsignedAttrs = [new Attribute({ attrType: OID.signatureTimeStampToken, attrValues: [new Uint8Array(tokenDer).slice().buffer] })];
  contentInfo.content = AsnConvert.serialize(signedData);
  const out = Buffer.from(AsnConvert.serialize(contentInfo));
  // Nothing else may move: without the new attribute, the result is the input byte for byte.
  const check = AsnConvert.parse(out, ContentInfo);
  const checkData = AsnConvert.parse(check.content, SignedData);
  checkData.signerInfos[0]!.unsignedAttrs = undefined;
  check.content = AsnConvert.serialize(checkData);
  if (!Buffer.from(AsnConvert.serialize(check)).equals(Buffer.from(cmsDer))) throw new Error('adding the time-stamp would change the signed CMS');
  return out;
}
