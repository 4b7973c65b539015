import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDetachedCms } from '../../../server/cms/parseDetached.js';
import { latestCertificate } from '../../../server/registry/officers.js';
import { addDocumentTimeStamp } from '../../../server/pdf/addDocumentTimeStamp.js';
import { addValidationData } from '../../../server/pdf/addValidationData.js';
import { httpTimeStampSupplier, tstInfoOf } from '../../../server/tsa/timeStampClient.js';
import { preparePdfSignature } from '../../../server/pdf/preparePdfSignature.js';
import { signPdf } from '../../../server/pdf/signPdf.js';
import type { StampText } from '../../../server/pdf/stampAppearance.js';
import { AMINAH, WEIMING } from '../../helpers/api.js';
import { openssl, tempFiles } from '../../helpers/openssl.js';
import { addRoamingOfficer, SITI } from '../../helpers/officers.js';
import { isLinearized, nssTrusting, pdfsig, pdfsigDump, qpdfCheck, qpdfLinearize } from '../../helpers/pdfsig.js';
import { startLiveServer, type LiveServer } from '../../e2e/liveServer.js';
import { startTestTsa, type TestTsa } from '../../helpers/testTsa.js';
import { APPROVER_FIELDS, makeVoucherPdf } from '../../helpers/voucherPdf.js';

// A listening server: its certificates name its OCSP responder (AIA), which pdfsig (NSS) asks.
let server: LiveServer;
let tsa: TestTsa;
let nss: string;
const approvers = [AMINAH.nric, WEIMING.nric, SITI.nric];

const stamp = (name: string): StampText => ({
  heading: 'Tandatangan digital / Digital signature',
  name,
  lines: ['Pegawai Kewangan, JANM Negeri Perlis', '25 Nov 2026, 4:00 PTG', 'Rujukan: pdf_test'],
  link: 'http://localhost:8787/pdf/v/pdf_test',
});

async function signAs(nric: string, pdf: Uint8Array, extra: Partial<Parameters<typeof signPdf>[0]> = {}) {
  const cert = (await latestCertificate(server.services.db, nric))!;
  const result = await signPdf({ pdf, vault: server.services.vault, certificate: { der: cert.der, keyRef: cert.keyRef }, signingTime: new Date(server.services.now()), stamp: stamp(nric), ...extra });
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  return result;
}

beforeAll(async () => {
  server = await startLiveServer();
  await addRoamingOfficer(server, SITI);
  tsa = await startTestTsa();
  nss = nssTrusting(server.services.ca.certificate.toString('pem'));
});

afterAll(async () => {
  await tsa?.close();
  await server?.stop();
});

describe('PAdES signatures on a voucher PDF', () => {
  it('three approvers (Peraku I, Peraku II, Sah) sign named fields in order; pdfsig finds every signature valid, trusted, ETSI.CAdES.detached', async () => {
    let pdf: Uint8Array = await makeVoucherPdf({ kind: 'pesanan-tempatan', number: 'PT-2026-000045', pages: 2, signatureFields: true });
    const revisions: Uint8Array[] = [pdf];
    for (const [i, nric] of approvers.entries()) {
      const signed = await signAs(nric, pdf, { placement: { field: APPROVER_FIELDS[i]! } });
      // Incremental: every earlier byte is where it was.
      expect(Buffer.from(signed.pdf.subarray(0, pdf.byteLength)).equals(Buffer.from(pdf))).toBe(true);
      expect(signed.fieldName).toBe(APPROVER_FIELDS[i]);
      pdf = signed.pdf;
      revisions.push(pdf);
    }
    const report = await pdfsig(pdf, nss);
    expect(report.signatures.map((s) => s.field)).toEqual([...APPROVER_FIELDS]);
    for (const signature of report.signatures) {
      expect(signature.signatureValid, report.output).toBe(true);
      expect(signature.certificateTrusted, report.output).toBe(true);
      expect(signature.subFilter).toBe('ETSI.CAdES.detached');
    }
    expect(report.signatures.map((s) => s.totalDocument)).toEqual([false, false, true]);
    expect(qpdfCheck(pdf).ok).toBe(true);
    // Each earlier revision on its own is still a whole, valid signed document.
    expect((await pdfsig(revisions[1]!, nss)).signatures[0]!.signatureValid).toBe(true);
  });

  it('places a stamp at a given position on a Baucar Bayaran with no fields, and the CMS has no signingTime but signingCertificateV2', async () => {
    const original = await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'BB-2026-000123', pages: 3 });
    const signed = await signAs(AMINAH.nric, original, { placement: { page: 3, x: 360, y: 100, width: 200, height: 80 } });
    expect(qpdfCheck(signed.pdf).ok).toBe(true);
    const [only] = (await pdfsig(signed.pdf, nss)).signatures;
    expect(only).toMatchObject({ signatureValid: true, certificateTrusted: true, subFilter: 'ETSI.CAdES.detached', totalDocument: true });

    const [cms] = pdfsigDump(signed.pdf);
    const dir = tempFiles({ 'sig.der': cms! });
    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path.join(dir, 'sig.der')]);
    expect(printed.ok).toBe(true);
    expect(printed.output).not.toMatch(/signingTime/);
    expect(printed.output).toMatch(/id-smime-aa-signingCertificateV2/);
    expect(printed.output).toMatch(/messageDigest/);
  });

  it('a linearized ("Fast Web View") voucher signs, and so does a second approver over it', async () => {
    const linearized = qpdfLinearize(await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'BB-2026-000124', pages: 2, signatureFields: true }));
    expect(isLinearized(linearized)).toBe(true);
    const first = await signAs(AMINAH.nric, linearized, { placement: { field: APPROVER_FIELDS[0]! } });
    expect(qpdfCheck(first.pdf).ok).toBe(true);
    expect((await pdfsig(first.pdf, nss)).signatures[0]).toMatchObject({ field: APPROVER_FIELDS[0], signatureValid: true, certificateTrusted: true });
    const second = await signAs(WEIMING.nric, first.pdf, { placement: { field: APPROVER_FIELDS[1]! } });
    expect((await pdfsig(second.pdf, nss)).signatures.slice(0, 2).map((s) => [s.field, s.signatureValid])).toEqual([[APPROVER_FIELDS[0], true], [APPROVER_FIELDS[1], true]]);
  });

  it('a file whose cross-reference table is broken: repaired and written out once when unsigned, refused when it holds a signature', async () => {
    const breakXref = (pdf: Uint8Array) => {
      const text = Buffer.from(pdf).toString('latin1');
      const at = text.lastIndexOf('startxref') + 'startxref'.length;
      const offset = /\s*(\d+)/.exec(text.slice(at))!;
      return Buffer.from(text.slice(0, at) + `\n${'1'.padStart(offset[1]!.length, '0')}` + text.slice(at + offset[0].length), 'latin1');
    };
    const broken = breakXref(await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'BB-2026-000125', pages: 1, signatureFields: true }));
    const signed = await signAs(AMINAH.nric, broken, { placement: { field: APPROVER_FIELDS[0]! } });
    expect(qpdfCheck(signed.pdf).ok).toBe(true);
    expect((await pdfsig(signed.pdf, nss)).signatures[0]).toMatchObject({ field: APPROVER_FIELDS[0], signatureValid: true, certificateTrusted: true });

    // Repairing a signed file would move the bytes its signature covers: refused, with the reason.
    const refused = await preparePdfSignature({ pdf: breakXref(signed.pdf), kind: 'signature', signingTime: new Date(), placement: { field: APPROVER_FIELDS[1]! } });
    expect(refused).toMatchObject({ ok: false, reason: 'not_incremental' });
  });

  it('one flipped byte inside a signed range makes pdfsig report a failure', async () => {
    const signed = await signAs(WEIMING.nric, await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'BB-2026-000124' }));
    const tampered = Buffer.from(signed.pdf);
    // A byte of the page content, well inside the first signed range.
    const at = tampered.indexOf('RM ');
    tampered[at + 3] = tampered[at + 3] === 0x31 ? 0x32 : 0x31;
    const [signature] = (await pdfsig(tampered, nss)).signatures;
    expect(signature!.signatureValid).toBe(false);
    expect(signature!.text).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);
  });

  it('B-T, B-LT and B-LTA with an independent TSA (openssl ts -reply): the token covers the signature value and openssl ts verifies it', async () => {
    const timeStamp = httpTimeStampSupplier({ url: tsa.url });
    const signed = await signAs(AMINAH.nric, await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'BB-2026-000125' }), { timeStamp });
    expect(signed.level).toBe('B-T');
    const [cms] = pdfsigDump(signed.pdf);
    const dir = tempFiles({ 'sig.der': cms!, 'tsaca.pem': tsa.caPem });
    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path.join(dir, 'sig.der')]);
    expect(printed.output).toMatch(/id-smime-aa-timeStampToken/);
    // The TSA's own token has a signingTime; the officer's signed attributes have none.
    expect(parseDetachedCms(cms!).signingTime).toBeNull();

    const crl = await server.services.ca.currentCrl();
    const officerCert = (await latestCertificate(server.services.db, AMINAH.nric))!;
    const lt = await addValidationData({
      pdf: signed.pdf,
      data: { certificates: [officerCert.der, Buffer.from(server.services.ca.certificate.rawData), tsa.tsaDer, tsa.caDer], crls: [crl.der], ocspResponses: [] },
    });
    if (!lt.ok) throw new Error(lt.message);
    expect(lt.added).toBe(5);
    const again = await addValidationData({ pdf: lt.pdf, data: { certificates: [officerCert.der], crls: [crl.der], ocspResponses: [] } });
    expect(again.ok && again.added).toBe(0);

    const lta = await addDocumentTimeStamp({ pdf: lt.pdf, timeStamp });
    if (!lta.ok) throw new Error(lta.message);
    expect(Buffer.from(lta.pdf.subarray(0, lt.pdf.byteLength)).equals(lt.pdf)).toBe(true);
    expect(qpdfCheck(lta.pdf).ok).toBe(true);
    const report = await pdfsig(lta.pdf, nss);
    expect(report.signatures[0]).toMatchObject({ signatureValid: true, certificateTrusted: true, subFilter: 'ETSI.CAdES.detached' });
    // poppler 22 lists a document time-stamp but does not validate ETSI.RFC3161 ("unknown"):
    // openssl ts checks its token below.
    expect(report.signatures[1]).toMatchObject({ field: 'RoamSignTimestamp_1', totalDocument: true });
    expect(lta.pdf.subarray(lt.pdf.byteLength).toString('latin1')).toMatch(/\/Type \/DocTimeStamp[\s\S]*\/SubFilter \/ETSI\.RFC3161/);

    // The document time-stamp token, checked by openssl ts against the bytes it covers.
    const token = pdfsigDump(lta.pdf)[1]!;
    const info = tstInfoOf(token);
    expect(info.messageImprint.hashedMessage.byteLength).toBe(32);
    const range = /\/ByteRange \[0 (\d+) (\d+) (\d+)\]/g;
    const ranges = [...lta.pdf.toString('latin1').matchAll(range)].at(-1)!;
    const covered = Buffer.concat([lta.pdf.subarray(0, Number(ranges[1])), lta.pdf.subarray(Number(ranges[2]), Number(ranges[2]) + Number(ranges[3]))]);
    const files = tempFiles({ 'token.der': token, 'covered.bin': covered, 'tsaca.pem': tsa.caPem });
    const verified = openssl(['ts', '-verify', '-data', path.join(files, 'covered.bin'), '-in', path.join(files, 'token.der'), '-token_in', '-CAfile', path.join(files, 'tsaca.pem')]);
    expect(verified.output).toMatch(/Verification: OK/);
    expect(tsa.answered()).toBe(2);
  });

  it('refuses a field the PDF does not have, an already signed field, and bytes that are not a PDF', async () => {
    const pdf = await makeVoucherPdf({ kind: 'pesanan-tempatan', number: 'PT-2026-000046', signatureFields: true });
    const at = new Date(server.services.now());
    expect(await preparePdfSignature({ pdf, kind: 'signature', signingTime: at, placement: { field: 'Lulus' } })).toMatchObject({ ok: false, reason: 'field_not_found' });
    const signed = await signAs(AMINAH.nric, pdf, { placement: { field: 'Sah' } });
    expect(await preparePdfSignature({ pdf: signed.pdf, kind: 'signature', signingTime: at, placement: { field: 'Sah' } })).toMatchObject({ ok: false, reason: 'field_signed' });
    expect(await preparePdfSignature({ pdf: Buffer.from('%PDF-1.7\nnot really'), kind: 'signature', signingTime: at })).toMatchObject({ ok: false, reason: 'not_pdf' });
    expect(await preparePdfSignature({ pdf, kind: 'signature', signingTime: at, placement: { page: 9, x: 0, y: 0, width: 10, height: 10 } })).toMatchObject({ ok: false, reason: 'page_out_of_range' });
  });
});
