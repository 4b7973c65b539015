import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { OID } from './oids.js';

/**
 * The signature time-stamp token of a CMS's first SignerInfo (unsigned attribute
 * id-aa-signatureTimeStampToken, RFC 3161 Appendix A) and the signature value it must cover;
 * null token when there is none or the CMS cannot be read.
 */
export function findSignatureTimeStamp(cmsDer: Uint8Array): { token: Buffer | null; signatureValue: Buffer | null } {
  try {
    const signedData = AsnConvert.parse(AsnConvert.parse(cmsDer, ContentInfo).content, SignedData);
    const signer = signedData.signerInfos[0];
    if (!signer) return { token: null, signatureValue: null };
    const attribute = signer.unsignedAttrs?.find((a) => a.attrType === OID.signatureTimeStampToken);
    const value = attribute?.attrValues[0];
    return { token: value ? Buffer.from(value) : null, signatureValue: Buffer.from(signer.signature.buffer) };
  } catch {
    return { token: null, signatureValue: null };
  }
}
