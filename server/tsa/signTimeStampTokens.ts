import crypto from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Accuracy, MessageImprint, TSTInfo } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier, Certificate, GeneralName, GeneralNames } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { EssCertIdV2, EssCertIdV2List, IssuerSerial, SigningCertificateV2 } from '../cms/essSigningCertificate.js';
import { OID } from '../cms/oids.js';
import { SignedAttributesSet, sortForDer } from '../cms/signedAttributes.js';

/** ecdsa-with-SHA256 (RFC 5758 §3.2): parameters absent. */
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

/** What a TSA signs with: its certificate, and its vault key's signatures (ECDSA P-256 DER) over each item, in one batch. */
export interface TsaSigner {
  certificateDer: Buffer;
  sign(items: Uint8Array[]): Promise<Uint8Array[]>;
}

/** One token to issue (RFC 3161 §2.4.1): the imprint, the requester's nonce, whether it wants the TSA certificate. */
export interface TokenRequest {
  imprint: MessageImprint;
  nonce?: ArrayBuffer;
  certReq: boolean;
}

/** A positive 16-byte random INTEGER: unique per token with overwhelming probability, on any node of a cluster. */
export function randomSerial(): ArrayBuffer {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return new Uint8Array(bytes).buffer;
}

/** The parts of every token that depend on the TSA only, built once per signer. */
function tsaParts(certificateDer: Buffer) {
  const certificate = AsnConvert.parse(certificateDer, Certificate);
  const tbs = certificate.tbsCertificate;
  // RFC 5816: signingCertificateV2 names the TSA certificate (SHA-256, issuer and serial).
  const ess = new Attribute({
    attrType: OID.signingCertificateV2,
    attrValues: [
      AsnConvert.serialize(
        new SigningCertificateV2({
          certs: new EssCertIdV2List([
            new EssCertIdV2({
              certHash: new OctetString(crypto.createHash('sha256').update(certificateDer).digest()),
              issuerSerial: new IssuerSerial({ issuer: new GeneralNames([new GeneralName({ directoryName: tbs.issuer })]), serialNumber: tbs.serialNumber }),
            }),
          ]),
        }),
      ),
    ],
  });
  const contentType = new Attribute({ attrType: OID.contentType, attrValues: [new asn1js.ObjectIdentifier({ value: OID.tstInfo }).toBER()] });
  return {
    certificate,
    ess,
    contentType,
    tsaName: new GeneralName({ directoryName: tbs.subject }),
    sid: new SignerIdentifier({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: tbs.issuer, serialNumber: tbs.serialNumber }) }),
  };
}

const partsCache = new Map<string, ReturnType<typeof tsaParts>>();

function partsFor(certificateDer: Buffer) {
  const key = crypto.createHash('sha256').update(certificateDer).digest('hex');
  let parts = partsCache.get(key);
  if (!parts) {
    if (partsCache.size > 16) partsCache.clear();
    parts = tsaParts(certificateDer);
    partsCache.set(key, parts);
  }
  return parts;
}

/**
 * Issues RFC 3161 TimeStampTokens (§2.4.2): for each request a TSTInfo (the TSA's policy, the
 * imprint as asked, a random serial, genTime in whole seconds with accuracy ±1 s, ordering false,
 * the nonce echoed, the TSA's name) in a CMS SignedData signed by the TSA with signed attributes
 * contentType id-ct-TSTInfo, messageDigest and signingCertificateV2 (RFC 5816). All tokens of one
 * call are signed in one vault call: a batch costs one key unlock and cheap P-256 signatures.
 */
export async function signTimeStampTokens(options: { signer: TsaSigner; policy: string; genTime: Date; requests: TokenRequest[] }): Promise<Buffer[]> {
  const { signer, policy, requests } = options;
  if (requests.length === 0) return [];
  const parts = partsFor(signer.certificateDer);
  const genTime = new Date(Math.floor(options.genTime.getTime() / 1000) * 1000);
  const prepared = requests.map((request) => {
    const info = new TSTInfo({
      policy,
      messageImprint: request.imprint,
      serialNumber: randomSerial(),
      genTime,
      accuracy: new Accuracy({ seconds: 1 }),
      ...(request.nonce ? { nonce: request.nonce } : {}),
      tsa: parts.tsaName,
    });
    const infoDer = Buffer.from(AsnConvert.serialize(info));
    const attributes = sortForDer([
      parts.contentType,
      new Attribute({ attrType: OID.messageDigest, attrValues: [new asn1js.OctetString({ valueHex: crypto.createHash('sha256').update(infoDer).digest() }).toBER()] }),
      parts.ess,
    ]);
    return { request, infoDer, attributes, toBeSigned: new Uint8Array(AsnConvert.serialize(new SignedAttributesSet(attributes))) };
  });
  const signatures = await signer.sign(prepared.map((p) => p.toBeSigned));
  return prepared.map((p, i) => {
    const signerInfo = new SignerInfo({
      version: CMSVersion.v1,
      sid: parts.sid,
      digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256 }),
      signedAttrs: p.attributes,
      signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
      signature: new OctetString(signatures[i]!),
    });
    // RFC 5652 §5.1: version 3 when the content is not id-data.
    const signedData = new SignedData({
      version: CMSVersion.v3,
      digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: OID.sha256 })]),
      encapContentInfo: new EncapsulatedContentInfo({ eContentType: OID.tstInfo, eContent: new EncapsulatedContent({ single: new OctetString(p.infoDer) }) }),
      ...(p.request.certReq ? { certificates: new CertificateSet([new CertificateChoices({ certificate: parts.certificate })]) } : {}),
      signerInfos: new SignerInfos([signerInfo]),
    });
    return Buffer.from(AsnConvert.serialize(new ContentInfo({ contentType: OID.signedData, content: AsnConvert.serialize(signedData) })));
  });
}
