import crypto from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, GeneralName, GeneralNames, Time } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { EssCertIdV2, EssCertIdV2List, IssuerSerial, SigningCertificateV2 } from './essSigningCertificate.js';
import { OID } from './oids.js';
import { SignedAttributesSet, sortForDer } from './signedAttributes.js';

export interface SignerSetup {
  certificate: Certificate;
  /** Attributes shared by every document of one signing operation. */
  commonAttributes: Attribute[];
}

export interface PreparedSignature {
  attributes: Attribute[];
  /** The DER of the SET OF signed attributes: the bytes the signer's key signs. */
  toBeSigned: Uint8Array;
}

/**
 * Which signed attributes a signature carries. `cades`: CAdES-BES as API.md gives it, with
 * signingTime. `pades`: the PAdES baseline profile (ETSI EN 319 142-1 §6.3, table 1), where the
 * signing-time attribute shall not be present (the claimed time is the signature dictionary's /M).
 */
export type CmsProfile = 'cades' | 'pades';

/**
 * Everything that is the same for each document signed by one certificate at one time. A null
 * signing time is the PAdES profile: no signingTime attribute at all.
 */
export function prepareSigner(certificateDer: Uint8Array, signingTime: Date | null): SignerSetup {
  const certificate = AsnConvert.parse(certificateDer, Certificate);
  // RFC 5035 §3: signingCertificateV2 binds the signature to this exact certificate (CAdES-BES).
  const essCertId = new EssCertIdV2({
    certHash: new OctetString(crypto.createHash('sha256').update(certificateDer).digest()),
    issuerSerial: new IssuerSerial({
      issuer: new GeneralNames([new GeneralName({ directoryName: certificate.tbsCertificate.issuer })]),
      serialNumber: certificate.tbsCertificate.serialNumber,
    }),
  });
  return {
    certificate,
    commonAttributes: [
      // RFC 5652 §11.1: contentType
      new Attribute({ attrType: OID.contentType, attrValues: [new asn1js.ObjectIdentifier({ value: OID.data }).toBER()] }),
      // RFC 5652 §11.3: signingTime (CAdES only; PAdES forbids it)
      ...(signingTime ? [new Attribute({ attrType: OID.signingTime, attrValues: [AsnConvert.serialize(new Time({ utcTime: signingTime }))] })] : []),
      new Attribute({
        attrType: OID.signingCertificateV2,
        attrValues: [AsnConvert.serialize(new SigningCertificateV2({ certs: new EssCertIdV2List([essCertId]) }))],
      }),
    ],
  };
}

/** The signed attributes of one document, given the SHA-256 of its bytes. */
export function prepareDocument(setup: SignerSetup, digest: Uint8Array): PreparedSignature {
  const attributes = sortForDer([
    ...setup.commonAttributes,
    // RFC 5652 §11.2: messageDigest is the digest the caller sent (detached content).
    new Attribute({ attrType: OID.messageDigest, attrValues: [new asn1js.OctetString({ valueHex: digest }).toBER()] }),
  ]);
  return { attributes, toBeSigned: new Uint8Array(AsnConvert.serialize(new SignedAttributesSet(attributes))) };
}

/** Detached CMS SignedData (RFC 5652 §5) with the signer certificate, as DER ContentInfo. */
export function assembleSignedData(setup: SignerSetup, prepared: PreparedSignature, signature: Uint8Array): Buffer {
  const { tbsCertificate } = setup.certificate;
  const signerInfo = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: tbsCertificate.issuer, serialNumber: tbsCertificate.serialNumber }),
    }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256 }),
    signedAttrs: prepared.attributes,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256WithRSAEncryption, parameters: null }),
    signature: new OctetString(signature),
  });
  const signedData = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: OID.sha256 })]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: new CertificateSet([new CertificateChoices({ certificate: setup.certificate })]),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const contentInfo = new ContentInfo({ contentType: OID.signedData, content: AsnConvert.serialize(signedData) });
  return Buffer.from(AsnConvert.serialize(contentInfo));
}
