import crypto from 'node:crypto';
import {
  BasicOCSPResponse,
  CertID,
  CertStatus,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
  KeyHash,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, CRLReason, Extension } from '@peculiar/asn1-x509';
import type { CaGeneration, CertificateAuthority } from '../ca/certificateAuthority.js';
import { x509 } from '../ca/x509Setup.js';
import { OID } from '../cms/oids.js';
import type { Db } from '../db/database.js';
import type { Vault } from '../vault/vault.js';
import { certificateStatus, type CertificateStatus } from './certificateStatus.js';
import type { ResponderIdentities } from './responderIdentity.js';

/** How long an answer may be relied on: revocations show at once on the responder, so a short hour. */
export const OCSP_VALIDITY_MS = 60 * 60 * 1000;
/** More certificates than this in one request is refused as malformed (a relying party asks about one or a chain). */
const MAX_REQUESTS = 20;

/** CertID hash algorithms a request may use (RFC 6960 §4.1.1: SHA-1 in practice; SHA-2 accepted). */
const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  [OID.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface OcspAnswer {
  /** `successful`, or `malformedRequest` for bytes that are no OCSP request (the route answers 400). */
  status: 'successful' | 'malformedRequest';
  der: Buffer;
  /** Each asked certificate's status, for the audit of tests and the bench. */
  statuses: CertificateStatus['status'][];
}

const unsigned = (status: OCSPResponseStatus) => Buffer.from(AsnConvert.serialize(new OCSPResponse({ responseStatus: status })));

/**
 * The OCSP responder (RFC 6960): reads a DER OCSPRequest, answers each CertID from the database
 * (good, revoked with time and reason, or unknown: another issuer or a serial this CA never issued),
 * echoes the nonce, and signs a BasicOCSPResponse with the delegated responder key.
 */
export function createOcspAnswerer(deps: { db: Db; vault: Vault; ca: CertificateAuthority; identity: (generation: number) => ResponderIdentities; now: () => number }) {
  const { db, vault, ca, identity, now } = deps;
  /** Per CA generation (every one answers until its certificates are gone, issue 21), its name and key hashes. */
  const hashesByGeneration = new Map<number, Map<string, { name: Buffer; key: Buffer }>>();
  const hashesOf = (generation: CaGeneration) => {
    let issuerHashes = hashesByGeneration.get(generation.id);
    if (!issuerHashes) {
      const caCert = AsnConvert.parse(generation.certificate.rawData, Certificate);
      const issuerName = Buffer.from(AsnConvert.serialize(caCert.tbsCertificate.subject));
      const issuerKey = Buffer.from(caCert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey);
      issuerHashes = new Map();
      for (const [oid, name] of Object.entries(HASHES)) {
        issuerHashes.set(oid, { name: crypto.createHash(name).update(issuerName).digest(), key: crypto.createHash(name).update(issuerKey).digest() });
      }
      hashesByGeneration.set(generation.id, issuerHashes);
    }
    return issuerHashes;
  };

  /** The CA generation a CertID names, if it is one of ours. */
  const generationOf = (certId: CertID): number | undefined =>
    ca.generations.find((generation) => {
      const expected = hashesOf(generation).get(certId.hashAlgorithm.algorithm);
      return (
        expected !== undefined &&
        expected.name.equals(Buffer.from(certId.issuerNameHash.buffer)) &&
        expected.key.equals(Buffer.from(certId.issuerKeyHash.buffer))
      );
    })?.id;

  return async function answer(requestDer: Uint8Array): Promise<OcspAnswer> {
    let request: OCSPRequest;
    try {
      request = AsnConvert.parse(requestDer, OCSPRequest);
    } catch {
      return { status: 'malformedRequest', der: unsigned(OCSPResponseStatus.malformedRequest), statuses: [] };
    }
    const asked = request.tbsRequest.requestList;
    if (asked.length === 0 || asked.length > MAX_REQUESTS) {
      return { status: 'malformedRequest', der: unsigned(OCSPResponseStatus.malformedRequest), statuses: [] };
    }
    const thisUpdate = new Date(Math.floor(now() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + OCSP_VALIDITY_MS);
    // The CA generation of the first certificate asked signs (through its responder) the whole answer;
    // a certificate of another generation in the same request is answered unknown.
    let generations = asked.map((one) => generationOf(one.reqCert));
    if (generations.some((g) => g === undefined)) {
      // Perhaps a CA generation another process made (ca-rollover): reading the CRL follows it.
      await ca.currentCrl();
      generations = asked.map((one) => generationOf(one.reqCert));
    }
    const signer = generations.find((g) => g !== undefined) ?? ca.current.id;
    const statuses: CertificateStatus[] = [];
    for (const [i, one] of asked.entries()) {
      const serial = Buffer.from(one.reqCert.serialNumber).toString('hex');
      statuses.push(generations[i] === signer ? await certificateStatus(db, serial, signer) : { status: 'unknown' });
    }
    const responses = asked.map(
      (one, i) =>
        new SingleResponse({
          certID: one.reqCert,
          certStatus: certStatusOf(statuses[i]!),
          thisUpdate,
          nextUpdate,
        }),
    );
    const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
    const responder = await identity(signer).current();
    const responderCert = AsnConvert.parse(responder.certificate.rawData, Certificate);
    const keyHash = crypto.createHash('sha1').update(Buffer.from(responderCert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey)).digest();
    const tbs = new ResponseData({
      responderID: new ResponderID({ byKey: new KeyHash(keyHash) }),
      producedAt: thisUpdate,
      responses,
      ...(nonce ? { responseExtensions: [new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: nonce.extnValue })] } : {}),
    });
    const tbsDer = AsnConvert.serialize(tbs);
    const [signature] = await vault.sign(responder.keyRef, [new Uint8Array(tbsDer)]);
    const basic = new BasicOCSPResponse({
      tbsResponseData: tbs,
      signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256WithRSAEncryption, parameters: null }),
      signature: signature!.slice().buffer,
      certs: [responderCert],
    });
    const response = new OCSPResponse({
      responseStatus: OCSPResponseStatus.successful,
      responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(AsnConvert.serialize(basic)) }),
    });
    return { status: 'successful', der: Buffer.from(AsnConvert.serialize(response)), statuses: statuses.map((s) => s.status) };
  };
}

function certStatusOf(status: CertificateStatus): CertStatus {
  if (status.status === 'good') return new CertStatus({ good: null });
  if (status.status === 'unknown') return new CertStatus({ unknown: null });
  return new CertStatus({
    revoked: new RevokedInfo({
      revocationTime: new Date(Math.floor(status.revokedAt.getTime() / 1000) * 1000),
      revocationReason: new CRLReason(x509.X509CrlReason[status.reason] as number),
    }),
  });
}

export type OcspAnswerer = ReturnType<typeof createOcspAnswerer>;
