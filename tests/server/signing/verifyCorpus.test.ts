import crypto from 'node:crypto';
import { Attribute, CertificateChoices, CertificateSet, ContentInfo, SignedData, SignerIdentifier, SignerInfos } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate, Name, SubjectKeyIdentifier, id_ce_subjectKeyIdentifier } from '@peculiar/asn1-x509';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EssCertIdV2, EssCertIdV2List, SigningCertificateV2 } from '../../../server/cms/essSigningCertificate.js';
import { OID } from '../../../server/cms/oids.js';
import { AMINAH, call, createRequest, documentBytes, latestOtp, makeDocument } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

// A crafted-CMS corpus for POST /api/v1/verify, generated from a real signature: every defect
// gets 200 with valid:false and the failing check named, or 400 bad_request when the bytes are
// not a CMS SignedData at all (API.md "Verification report"). Never a 5xx.

let server: TestServer;
let signature: Buffer;
let otherSignature: Buffer;
let caDer: Buffer;
const digest = makeDocument('STH-2026-000123').digest;

async function sign(documentId: string): Promise<Buffer> {
  const created = await createRequest(server, { documents: [makeDocument(documentId)] });
  const otp = await latestOtp(server, created.body.id);
  const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
  expect(done.status).toBe(200);
  return Buffer.from(done.body.signatures[0].signature, 'base64');
}

beforeAll(async () => {
  server = await startTestServer();
  signature = await sign('STH-2026-000123');
  otherSignature = await sign('STH-2026-000999');
  caDer = Buffer.from(server.services.ca.certificate.rawData);
});
afterAll(() => server.close());

// ---- mutation helpers over the real signature ----

function edit(der: Buffer, change: (signedData: SignedData, contentInfo: ContentInfo) => void): Buffer {
  const contentInfo = AsnConvert.parse(der, ContentInfo);
  const signedData = AsnConvert.parse(contentInfo.content, SignedData);
  change(signedData, contentInfo);
  contentInfo.content = AsnConvert.serialize(signedData);
  return Buffer.from(AsnConvert.serialize(contentInfo));
}

const signerOf = (sd: SignedData) => sd.signerInfos[0]!;
const attrsOf = (sd: SignedData) => signerOf(sd).signedAttrs!;
const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex')).buffer;

function setAttribute(oid: string, values: ArrayBuffer[]) {
  return (sd: SignedData) => {
    attrsOf(sd).find((a) => a.attrType === oid)!.attrValues = values;
  };
}

function editCertificate(change: (cert: Certificate) => void) {
  return (sd: SignedData) => {
    const choice = sd.certificates![0]!;
    change(choice.certificate!);
    sd.certificates = new CertificateSet([new CertificateChoices({ certificate: AsnConvert.parse(AsnConvert.serialize(choice.certificate!), Certificate) })]);
  };
}

const signerCertificate = () => AsnConvert.parse(AsnConvert.parse(signature, ContentInfo).content, SignedData).certificates![0]!.certificate!;

/** A signingCertificateV2 value naming the certificate with these DER bytes. */
const essNaming = (der: Buffer) =>
  AsnConvert.serialize(new SigningCertificateV2({ certs: new EssCertIdV2List([new EssCertIdV2({ certHash: new OctetString(crypto.createHash('sha256').update(der).digest()) })]) }));

/** The signingTime attribute's OID, its SET of one value, and the UTCTime's tag and length. */
const SIGNING_TIME_PREFIX = Buffer.from('06092a864886f70d010905310f170d', 'hex');

/** The signature with the bytes right after `prefix` overwritten by `replacement` (same length). */
function overwriteAfter(der: Buffer, prefix: Buffer, replacement: string): Buffer {
  const at = der.indexOf(prefix);
  if (at < 0) throw new Error('prefix not in the signature');
  const bytes = Buffer.from(der);
  bytes.write(replacement, at + prefix.length, 'latin1');
  return bytes;
}

function deeplyNested(depth: number): Buffer {
  // SEQUENCE (indefinite length) inside SEQUENCE ... : tiny bytes, huge recursion for a naive parser.
  return Buffer.concat([Buffer.alloc(depth * 2, Buffer.from([0x30, 0x80])), Buffer.alloc(depth * 2, 0)]);
}

type Expect = { valid: true } | { invalid: RegExp } | { bad: true };
type Case = [name: string, bytes: () => Buffer, expected: Expect];

const cases: Case[] = [
  ['the real signature (control)', () => signature, { valid: true }],
  // signed attributes
  ['signingTime value replaced by an OCTET STRING', () => edit(signature, setAttribute(OID.signingTime, [hex('040100')])), { invalid: /signingTime attribute is malformed/ }],
  ['signingTime value is a UTCTime of letters', () => overwriteAfter(signature, SIGNING_TIME_PREFIX, 'YYMMDDHHMMSSZ'), { invalid: /signingTime attribute is malformed/ }],
  ['signingTime value with month 13', () => edit(signature, setAttribute(OID.signingTime, [new Uint8Array([0x17, 0x0d, ...Buffer.from('991399999999Z')]).buffer])), { invalid: /signingTime attribute is malformed/ }],
  ['signingTime value replaced by another valid time', () => edit(signature, setAttribute(OID.signingTime, [new Uint8Array([0x17, 0x0d, ...Buffer.from('300101000000Z')]).buffer])), { invalid: /signature value does not verify/ }],
  ['signingCertificateV2 value replaced by garbage', () => edit(signature, setAttribute(OID.signingCertificateV2, [hex('0403010203')])), { invalid: /signingCertificateV2 attribute is malformed/ }],
  ['signingCertificateV2 value is an empty SEQUENCE', () => edit(signature, setAttribute(OID.signingCertificateV2, [hex('3000')])), { invalid: /signingCertificateV2 attribute is malformed/ }],
  ['signingCertificateV2 with no certificates', () => edit(signature, setAttribute(OID.signingCertificateV2, [hex('30023000')])), { invalid: /signingCertificateV2 attribute is malformed/ }],
  ['signingCertificateV2 naming the CA certificate', () => edit(signature, setAttribute(OID.signingCertificateV2, [essNaming(caDer)])), { invalid: /signingCertificateV2 does not name the signer certificate/ }],
  ['messageDigest value is an INTEGER', () => edit(signature, setAttribute(OID.messageDigest, [hex('020101')])), { invalid: /messageDigest attribute is malformed/ }],
  ['contentType value is garbage', () => edit(signature, setAttribute(OID.contentType, [hex('0c0161')])), { invalid: /contentType attribute is malformed/ }],
  ['signingTime attribute twice', () => edit(signature, (sd) => attrsOf(sd).push(new Attribute({ attrType: OID.signingTime, attrValues: [hex('170d3236313132353038303030305a')] }))), { invalid: /signingTime attribute must hold exactly one value/ }],
  ['messageDigest with two values', () => edit(signature, (sd) => attrsOf(sd).find((a) => a.attrType === OID.messageDigest)!.attrValues.push(hex('0400'))), { invalid: /messageDigest attribute must hold exactly one value/ }],
  ['no signed attributes', () => edit(signature, (sd) => (signerOf(sd).signedAttrs = undefined)), { invalid: /no signed attributes/ }],
  ['no contentType attribute', () => edit(signature, (sd) => (signerOf(sd).signedAttrs = attrsOf(sd).filter((a) => a.attrType !== OID.contentType) as never)), { invalid: /contentType attribute missing/ }],
  // algorithms
  ['signer certificate signed with a mismatched algorithm (ECDSA OID on an RSA signature)', () => edit(signature, editCertificate((cert) => (cert.signatureAlgorithm.algorithm = '1.2.840.10045.4.3.2'))), { invalid: /signingCertificateV2|not issued/ }],
  ['signer certificate whose key claims to be EC', () => edit(signature, editCertificate((cert) => (cert.tbsCertificate.subjectPublicKeyInfo.algorithm.algorithm = '1.2.840.10045.2.1'))), { invalid: /.+/ }],
  ['signer certificate whose public key bytes are garbage', () => edit(signature, editCertificate((cert) => (cert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey = hex('00ffeeddcc')))), { invalid: /.+/ }],
  ['signature algorithm ECDSA', () => edit(signature, (sd) => (signerOf(sd).signatureAlgorithm.algorithm = '1.2.840.10045.4.3.2')), { invalid: /unsupported signature algorithm/ }],
  ['digest algorithm SHA-1', () => edit(signature, (sd) => (signerOf(sd).digestAlgorithm.algorithm = '1.3.14.3.2.26')), { invalid: /digest algorithm is not SHA-256/ }],
  ['digest algorithm an unknown OID', () => edit(signature, (sd) => (signerOf(sd).digestAlgorithm.algorithm = '1.2.3.4.5')), { invalid: /digest algorithm is not SHA-256/ }],
  // signer identifier
  ['signer identifier with a wrong serial', () => edit(signature, (sd) => {
    const ias = signerOf(sd).sid.issuerAndSerialNumber!;
    const serial = new Uint8Array(ias.serialNumber);
    serial[serial.length - 1] = serial.at(-1)! ^ 0x01;
    ias.serialNumber = serial.buffer;
  }), { invalid: /signer identifier matches no certificate/ }],
  ['signer identifier with the right serial and another issuer', () => edit(signature, (sd) => {
    const cert = sd.certificates![0]!.certificate!;
    signerOf(sd).sid.issuerAndSerialNumber!.issuer = AsnConvert.parse(AsnConvert.serialize(cert.tbsCertificate.subject), Name);
  }), { invalid: /signer identifier matches no certificate/ }],
  ['signer identifier with a 1000-byte serial', () => edit(signature, (sd) => (signerOf(sd).sid.issuerAndSerialNumber!.serialNumber = new Uint8Array(1000).fill(0x7f).buffer)), { invalid: /signer identifier matches no certificate/ }],
  ['signer identifier by subject key identifier (the right one)', () => edit(signature, (sd) => {
    const cert = sd.certificates![0]!.certificate!;
    const ext = cert.tbsCertificate.extensions!.find((e) => e.extnID === id_ce_subjectKeyIdentifier)!;
    signerOf(sd).sid = new SignerIdentifier({ subjectKeyIdentifier: AsnConvert.parse(ext.extnValue, SubjectKeyIdentifier) });
  }), { valid: true }],
  ['signer identifier by a subject key identifier that matches nothing', () => edit(signature, (sd) => (signerOf(sd).sid = new SignerIdentifier({ subjectKeyIdentifier: new SubjectKeyIdentifier(new Uint8Array(20).fill(7)) }))), { invalid: /signer identifier matches no certificate/ }],
  // certificates
  ['no certificates', () => edit(signature, (sd) => (sd.certificates = undefined)), { invalid: /no signer certificate/ }],
  ['only the CA certificate (not the one the signer names)', () => edit(signature, (sd) => (sd.certificates = new CertificateSet([new CertificateChoices({ certificate: AsnConvert.parse(caDer, Certificate) })]))), { invalid: /signer identifier matches no certificate/ }],
  ['the CA certificate first, the signer second', () => edit(signature, (sd) => (sd.certificates = new CertificateSet([new CertificateChoices({ certificate: AsnConvert.parse(caDer, Certificate) }), ...sd.certificates!]))), { valid: true }],
  // signers
  ['two signers', () => edit(signature, (sd) => (sd.signerInfos = new SignerInfos([signerOf(sd), signerOf(sd)]))), { invalid: /expected exactly one signer/ }],
  ['no signer', () => edit(signature, (sd) => (sd.signerInfos = new SignerInfos([]))), { invalid: /expected exactly one signer/ }],
  // signature value
  ['signature value cut to 255 bytes', () => edit(signature, (sd) => (signerOf(sd).signature = new OctetString(Buffer.from(signerOf(sd).signature.buffer).subarray(0, 255)))), { invalid: /signature value does not verify/ }],
  ['signature value empty', () => edit(signature, (sd) => (signerOf(sd).signature = new OctetString(new Uint8Array(0)))), { invalid: /signature value does not verify/ }],
  ['signature value of another document', () => edit(signature, (sd) => (signerOf(sd).signature = AsnConvert.parse(AsnConvert.parse(otherSignature, ContentInfo).content, SignedData).signerInfos[0]!.signature)), { invalid: /signature value does not verify/ }],
  ['a real signature of another document', () => otherSignature, { invalid: /messageDigest does not match/ }],
  // content types
  ['encapsulated content type is SignedData', () => edit(signature, (sd) => (sd.encapContentInfo.eContentType = OID.signedData)), { invalid: /encapsulated content type is not id-data/ }],
  ['ContentInfo says id-data', () => edit(signature, (_sd, ci) => (ci.contentType = OID.data)), { bad: true }],
  ['ContentInfo says EnvelopedData', () => edit(signature, (_sd, ci) => (ci.contentType = '1.2.840.113549.1.7.3')), { bad: true }],
  // not CMS at all
  ['truncated DER (half)', () => signature.subarray(0, signature.length >> 1), { bad: true }],
  ['truncated DER (one byte short)', () => signature.subarray(0, signature.length - 1), { bad: true }],
  ['trailing garbage after the DER', () => Buffer.concat([signature, Buffer.from('garbage')]), { bad: true }],
  ['PEM garbage', () => Buffer.from('-----BEGIN CMS-----\nthis is not base64 at all\n-----END CMS-----\n'), { bad: true }],
  ['a PEM-armoured signature (DER is expected)', () => Buffer.from(`-----BEGIN CMS-----\n${signature.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CMS-----\n`), { bad: true }],
  ['a certificate instead of a CMS', () => caDer, { bad: true }],
  ['100,000 nested SEQUENCEs', () => deeplyNested(100_000), { bad: true }],
  ['zero bytes', () => Buffer.alloc(4), { bad: true }],
];

describe('the crafted-CMS corpus for /verify', () => {
  it('has at least 40 cases, and the corpus is made from a signature that verifies', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(signerCertificate().tbsCertificate.serialNumber.byteLength).toBeGreaterThan(0);
  });

  it.each(cases)('%s', async (_name, bytes, expected) => {
    const res = await call(server, 'POST', '/api/v1/verify', { signature: bytes().toString('base64'), digest });
    if ('bad' in expected) {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
      return;
    }
    expect(res.status).toBe(200);
    if ('valid' in expected) {
      expect(res.body.valid).toBe(true);
      return;
    }
    expect(res.body.valid).toBe(false);
    const failed = (res.body.checks as { name: string; ok: boolean; reason?: string }[]).filter((c) => !c.ok);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.map((c) => c.reason).join(' | ')).toMatch(expected.invalid);
  });

  it('the same document through `content` verifies the control signature', async () => {
    const res = await call(server, 'POST', '/api/v1/verify', { signature: signature.toString('base64'), content: documentBytes('STH-2026-000123').toString('base64') });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(true);
  });

  it('an issuer name the signer identifier cannot re-encode (a string tag changed): a report, not a 5xx', async () => {
    // Found by the random edits below (seed 1327108334): one byte turned a name's string type into one
    // whose value cannot be written back.
    const bytes = Buffer.from(signature);
    bytes[1232] = 23;
    const res = await call(server, 'POST', '/api/v1/verify', { signature: bytes.toString('base64'), digest });
    expect([200, 400]).toContain(res.status);
    if (res.status === 200) expect(res.body.valid).toBe(false);
  });

  it('300 random byte edits of a real signature: always 200 or 400, never a 5xx, and valid only when untouched', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat({ max: signature.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        async (edits) => {
          const bytes = Buffer.from(signature);
          for (const e of edits) bytes[e.at] = e.value;
          const res = await call(server, 'POST', '/api/v1/verify', { signature: bytes.toString('base64'), digest });
          expect([200, 400]).toContain(res.status);
          if (res.status === 400) expect(res.body.error.code).toBe('bad_request');
          if (res.status === 200 && res.body.valid) {
            // A change the signature does not cover can keep it valid only if the signed parts and
            // the certificate are untouched: the certificate serial and signer must be Aminah's.
            expect(res.body.signer.nric).toBe(AMINAH.nric);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
