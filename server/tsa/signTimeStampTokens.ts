import crypto from 'node:crypto';
import { Attribute, IssuerAndSerialNumber } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import type { MessageImprint } from '@peculiar/asn1-tsp';
import { Certificate, GeneralName, GeneralNames } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { EssCertIdV2, EssCertIdV2List, IssuerSerial, SigningCertificateV2 } from '../cms/essSigningCertificate.js';
import { OID } from '../cms/oids.js';
import { tlv } from '../cms/der.js';


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

/** Fixed DER pieces (RFC 5652, RFC 3161). */
const DER = {
  version1: Buffer.from('020101', 'hex'),
  version3: Buffer.from('020103', 'hex'),
  /** AlgorithmIdentifier { id-sha256 } (parameters absent), as the ASN.1 library writes it. */
  sha256: Buffer.from('300b0609608648016503040201', 'hex'),
  ecdsaWithSha256: Buffer.from('300a06082a8648ce3d040302', 'hex'),
  accuracyOneSecond: Buffer.from('3003020101', 'hex'),
  signedDataOid: tlv(0x06, Buffer.from('2a864886f70d010702', 'hex')),
  tstInfoOid: tlv(0x06, Buffer.from('2a864886f70d0109100104', 'hex')),
  messageDigestOid: tlv(0x06, Buffer.from('2a864886f70d010904', 'hex')),
};

/** The parts of every token that depend on the TSA only, built once per signer with the ASN.1 library. */
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
    certificateDer,
    essDer: Buffer.from(AsnConvert.serialize(ess)),
    contentTypeDer: Buffer.from(AsnConvert.serialize(contentType)),
    tsaNameDer: tlv(0xa0, Buffer.from(AsnConvert.serialize(new GeneralName({ directoryName: tbs.subject })))),
    sidDer: Buffer.from(AsnConvert.serialize(new IssuerAndSerialNumber({ issuer: tbs.issuer, serialNumber: tbs.serialNumber }))),
  };
}

const SHA256_WITH_NULL = Buffer.from('300d06096086480165030402010500', 'hex');

/** MessageImprint DER: SHA-256 assembled directly (the common case: every signature time-stamp), else by the library. */
function imprintDer(imprint: MessageImprint): Buffer {
  const { algorithm, parameters } = imprint.hashAlgorithm;
  if (algorithm === OID.sha256 && (parameters === null || parameters === undefined)) {
    return tlv(0x30, parameters === null ? SHA256_WITH_NULL : DER.sha256, tlv(0x04, new Uint8Array(imprint.hashedMessage.buffer)));
  }
  return Buffer.from(AsnConvert.serialize(imprint));
}

/** GeneralizedTime YYYYMMDDHHMMSSZ (whole seconds: DER allows no trailing zero fraction). */
function generalizedTime(date: Date): Buffer {
  const two = (n: number) => String(n).padStart(2, '0');
  const text = `${date.getUTCFullYear()}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return tlv(0x18, Buffer.from(text, 'ascii'));
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
  const policyDer = Buffer.from(new asn1js.ObjectIdentifier({ value: policy }).toBER());
  const timeDer = generalizedTime(genTime);
  // Each token is assembled from DER pieces (the ASN.1 library takes milliseconds per token):
  // TSTInfo { version 1, policy, messageImprint, serialNumber, genTime, accuracy, nonce, [0] tsa }.
  const prepared = requests.map((request) => {
    const infoDer = tlv(
      0x30,
      DER.version1,
      policyDer,
      imprintDer(request.imprint),
      tlv(0x02, new Uint8Array(randomSerial())),
      timeDer,
      DER.accuracyOneSecond,
      ...(request.nonce ? [tlv(0x02, new Uint8Array(request.nonce))] : []),
      parts.tsaNameDer,
    );
    const messageDigest = tlv(0x30, DER.messageDigestOid, tlv(0x31, tlv(0x04, crypto.createHash('sha256').update(infoDer).digest())));
    // DER orders a SET OF by the members' encodings (X.690 §11.6).
    const attributes = [parts.contentTypeDer, messageDigest, parts.essDer].sort(Buffer.compare);
    return { request, infoDer, attributes, toBeSigned: tlv(0x31, ...attributes) };
  });
  const signatures = await signer.sign(prepared.map((p) => p.toBeSigned));
  return prepared.map((p, i) => {
    const signerInfo = tlv(0x30, DER.version1, parts.sidDer, DER.sha256, tlv(0xa0, ...p.attributes), DER.ecdsaWithSha256, tlv(0x04, signatures[i]!));
    // RFC 5652 §5.1: version 3 when the content is not id-data.
    const signedData = tlv(
      0x30,
      DER.version3,
      tlv(0x31, DER.sha256),
      tlv(0x30, DER.tstInfoOid, tlv(0xa0, tlv(0x04, p.infoDer))),
      ...(p.request.certReq ? [tlv(0xa0, parts.certificateDer)] : []),
      tlv(0x31, signerInfo),
    );
    return tlv(0x30, DER.signedDataOid, tlv(0xa0, signedData));
  });
}
