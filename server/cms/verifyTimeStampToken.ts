import crypto from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { TSTInfo } from '@peculiar/asn1-tsp';
import { findSignerCertificate } from './findSignerCertificate.js';
import { OID } from './oids.js';
import { parseDetachedCms } from './parseDetached.js';

export type TimeStampCheck = { ok: true; genTime: Date; tsaCertificate: Buffer } | { ok: false; reason: string; genTime: Date | null };

/** RFC 3161 §2.3: a TSA certificate's extended key usage is id-kp-timeStamping. */
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

function issuedByAnchor(cert: crypto.X509Certificate, anchors: Uint8Array[]): boolean {
  return anchors.some((der) => {
    try {
      const anchor = new crypto.X509Certificate(der);
      return cert.raw.equals(anchor.raw) || (cert.checkIssued(anchor) && cert.verify(anchor.publicKey));
    } catch {
      return false;
    }
  });
}

/**
 * Checks an RFC 3161 TimeStampToken over `digest` (SHA-256): its TSTInfo's message imprint is the
 * digest (§2.4.2), its messageDigest attribute is the TSTInfo's, the TSA's signature verifies with
 * the certificate the token names, that certificate is for time-stamping and is (or is issued by)
 * one of `trustedAuthorities`. The proven time is TSTInfo.genTime.
 */
export function verifyTimeStampToken(options: { token: Uint8Array; digest: Uint8Array; trustedAuthorities: Uint8Array[] }): TimeStampCheck {
  let info: TSTInfo;
  let eContent: Buffer;
  try {
    const signedData = AsnConvert.parse(AsnConvert.parse(options.token, ContentInfo).content, SignedData);
    if (signedData.encapContentInfo.eContentType !== OID.tstInfo) return { ok: false, reason: 'token does not hold a TSTInfo', genTime: null };
    const content = signedData.encapContentInfo.eContent;
    const octets = content?.single ?? content?.any;
    if (!octets) return { ok: false, reason: 'token has no TSTInfo', genTime: null };
    eContent = Buffer.from(octets instanceof OctetString ? octets.buffer : octets);
    info = AsnConvert.parse(eContent, TSTInfo);
  } catch {
    return { ok: false, reason: 'token is not a TimeStampToken', genTime: null };
  }
  const genTime = info.genTime;
  const fail = (reason: string): TimeStampCheck => ({ ok: false, reason, genTime });
  if (info.messageImprint.hashAlgorithm.algorithm !== OID.sha256) return fail('token imprint is not SHA-256');
  if (!Buffer.from(info.messageImprint.hashedMessage.buffer).equals(Buffer.from(options.digest))) return fail('token covers other bytes');
  let cms;
  try {
    cms = parseDetachedCms(options.token);
  } catch {
    return fail('token signature cannot be read');
  }
  if (!cms.messageDigest?.equals(crypto.createHash('sha256').update(eContent).digest())) return fail('token messageDigest does not match its TSTInfo');
  const signerDer = findSignerCertificate(cms.certificates, cms.signerId);
  if (!signerDer) return fail('token carries no TSA certificate');
  const tsa = new crypto.X509Certificate(signerDer);
  let verified = false;
  try {
    verified = crypto.verify('sha256', cms.signedAttributes, tsa.publicKey, cms.signature);
  } catch {
    verified = false;
  }
  if (!verified) return fail('token signature does not verify');
  if (!(tsa.keyUsage ?? []).includes(TIME_STAMPING)) return fail('TSA certificate is not for time-stamping');
  if (!issuedByAnchor(tsa, options.trustedAuthorities)) return fail('TSA is not trusted');
  if (genTime.getTime() < Date.parse(tsa.validFrom) || genTime.getTime() > Date.parse(tsa.validTo)) return fail('TSA certificate not valid at the time-stamp');
  return { ok: true, genTime, tsaCertificate: Buffer.from(signerDer) };
}
