import crypto from 'node:crypto';
import { Attribute, ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { readTlv, tlv } from './der.js';
import { OID } from './oids.js';

/** DER of the OID id-aa-signatureTimeStampToken. */
const TIME_STAMP_ATTRIBUTE_OID = tlv(0x06, Buffer.from('2a864886f70d010910020e', 'hex'));

/**
 * The same as addSignatureTimeStamp for the CMS RoamSign writes (one SignerInfo, no unsigned
 * attributes yet), without the ASN.1 library: in a ContentInfo the SignerInfo is the last value
 * of every value that holds it (ContentInfo, [0], SignedData, SignerInfos), so the attribute is
 * appended at the very end and those five lengths rewritten. Everything else is the input's
 * bytes. A unit test checks it equals addSignatureTimeStamp byte for byte; anything it does not
 * recognise goes through addSignatureTimeStamp.
 */
export function appendSignatureTimeStamp(cmsDer: Uint8Array, tokenDer: Uint8Array): Buffer {
  try {
    const der = Buffer.from(cmsDer.buffer, cmsDer.byteOffset, cmsDer.byteLength);
    const contentInfo = readTlv(der, 0);
    const oid = readTlv(der, contentInfo.start);
    const explicit = readTlv(der, oid.end);
    const signedData = readTlv(der, explicit.start);
    // The SignedData's last value: SignerInfos (SET).
    let at = signedData.start;
    let last = readTlv(der, at);
    while (last.end < signedData.end) last = readTlv(der, (at = last.end));
    const signerInfos = last;
    const signerInfo = readTlv(der, signerInfos.start);
    const nested = [contentInfo, explicit, signedData, signerInfos, signerInfo];
    const ok =
      contentInfo.tag === 0x30 && contentInfo.end === der.length && explicit.tag === 0xa0 && signedData.tag === 0x30 &&
      signerInfos.tag === 0x31 && signerInfo.tag === 0x30 && nested.every((v) => v.end === der.length);
    if (!ok) return addSignatureTimeStamp(cmsDer, tokenDer);
    // The SignerInfo's values: the last must be the signature OCTET STRING (no unsigned attributes yet).
    let value = readTlv(der, signerInfo.start);
    while (value.end < signerInfo.end) value = readTlv(der, value.end);
    if (value.tag !== 0x04) return addSignatureTimeStamp(cmsDer, tokenDer);
    // unsignedAttrs [1] IMPLICIT SET OF Attribute { attrType, SET { token } }
    const unsigned = tlv(0xa1, tlv(0x30, TIME_STAMP_ATTRIBUTE_OID, tlv(0x31, tokenDer)));
    let inner: Buffer = tlv(0x30, der.subarray(signerInfo.start, signerInfo.end), unsigned);
    inner = tlv(0x31, inner);
    inner = tlv(0x30, der.subarray(signedData.start, at), inner);
    inner = tlv(0xa0, inner);
    return tlv(0x30, der.subarray(contentInfo.start, oid.end), inner);
  } catch {
    return addSignatureTimeStamp(cmsDer, tokenDer);
  }
}

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
