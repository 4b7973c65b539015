import { PDF } from '@libpdf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDocumentTimeStamp } from '../../../server/pdf/addDocumentTimeStamp.js';
import { addValidationData } from '../../../server/pdf/addValidationData.js';
import { signPdf } from '../../../server/pdf/signPdf.js';
import { httpTimeStampSupplier } from '../../../server/tsa/timeStampClient.js';
import { PdfFormatError, validatePdf } from '../../../server/pdf/validatePdf.js';
import { latestCertificate } from '../../../server/registry/officers.js';
import { verifySignature } from '../../../server/signing/verifySignature.js';
import { AMINAH, WEIMING } from '../../helpers/api.js';
import { addRoamingOfficer, SITI } from '../../helpers/officers.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { startTestTsa, type TestTsa } from '../../helpers/testTsa.js';
import { APPROVER_FIELDS, makeVoucherPdf } from '../../helpers/voucherPdf.js';

let server: TestServer;
let tsa: TestTsa;

async function sign(nric: string, pdf: Uint8Array, extra: Partial<Parameters<typeof signPdf>[0]> = {}) {
  const cert = (await latestCertificate(server.services.db, nric))!;
  const result = await signPdf({ pdf, vault: server.services.vault, certificate: { der: cert.der, keyRef: cert.keyRef }, signingTime: new Date(server.services.now()), ...extra });
  if (!result.ok) throw new Error(result.message);
  return result.pdf;
}

function validate(pdf: Uint8Array, trusted: Uint8Array[] = [tsa.caDer]) {
  const { db, ca, now } = server.services;
  return validatePdf({ pdf, verifyCms: (signature, digest) => verifySignature({ db, ca, signature, digest, now }), trustedTimeStampAuthorities: trusted, now });
}

beforeAll(async () => {
  server = await startTestServer({}, { realClock: true });
  await addRoamingOfficer(server, SITI);
  tsa = await startTestTsa();
});

afterAll(async () => {
  await tsa?.close();
  await server?.close();
});

describe('RoamSign validation report for PDFs', () => {
  it('three sequential approvals all pass; each says only signatures came after it', async () => {
    let pdf: Uint8Array = await makeVoucherPdf({ kind: 'pesanan-tempatan', number: 'PT-2026-000050', signatureFields: true });
    for (const [i, nric] of [AMINAH.nric, WEIMING.nric, SITI.nric].entries()) pdf = await sign(nric, pdf, { placement: { field: APPROVER_FIELDS[i]! } });
    const report = await validate(pdf);
    expect(report.valid).toBe(true);
    expect(report.signatures.map((s) => [s.field, s.indication, s.subIndication, s.level, s.changesAfter, s.coversWholeDocument])).toEqual([
      ['Peraku_I', 'TOTAL_PASSED', null, 'PAdES-BASELINE-B', 'signatures', false],
      ['Peraku_II', 'TOTAL_PASSED', null, 'PAdES-BASELINE-B', 'signatures', false],
      ['Sah', 'TOTAL_PASSED', null, 'PAdES-BASELINE-B', 'none', true],
    ]);
    expect(report.signatures.map((s) => s.signer.nric)).toEqual([AMINAH.nric, WEIMING.nric, SITI.nric]);
    expect(report.signatures.every((s) => s.timeSource === 'none' && s.provenTime === null && s.claimedTime !== null)).toBe(true);
  });

  it('a flipped byte in a signed range is TOTAL_FAILED / HASH_FAILURE', async () => {
    const signed = Buffer.from(await sign(AMINAH.nric, await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'BB-2026-000200' })));
    const at = signed.indexOf('RM ');
    signed[at + 3] = signed[at + 3] === 0x31 ? 0x32 : 0x31;
    const report = await validate(signed);
    expect(report.valid).toBe(false);
    expect(report.signatures[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
  });

  it('form filling after a signature is allowed; a change to page content is not (SIG_CONSTRAINTS_FAILURE)', async () => {
    const signed = await sign(AMINAH.nric, await makeVoucherPdf({ kind: 'pesanan-tempatan', number: 'PT-2026-000051', signatureFields: true }), { placement: { field: 'Peraku_I' } });

    const filling = await PDF.load(signed);
    filling.getForm()!.fill({ Catatan: 'Diterima dengan baik' });
    const filled = await filling.save({ incremental: true });
    const afterFilling = await validate(filled);
    expect(afterFilling.signatures[0]).toMatchObject({ indication: 'TOTAL_PASSED', changesAfter: 'form-filling', coversWholeDocument: false });

    const editing = await PDF.load(signed);
    editing.getPages()[0]!.drawText('JUMLAH DIUBAH: RM 99,999.00', { x: 50, y: 100, size: 12 });
    const edited = await editing.save({ incremental: true });
    const afterEditing = await validate(edited);
    expect(afterEditing.valid).toBe(false);
    expect(afterEditing.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'SIG_CONSTRAINTS_FAILURE', changesAfter: 'other' });
    expect(afterEditing.signatures[0]!.changes.join('\n')).toMatch(/page/);
  });

  it('B-T proves the time with the signature time-stamp; /DSS and a document time-stamp make it B-LTA; an untrusted TSA proves nothing', async () => {
    const timeStamp = httpTimeStampSupplier({ url: tsa.url });
    const bt = await sign(WEIMING.nric, await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'BB-2026-000201' }), { timeStamp });
    const btReport = await validate(bt);
    expect(btReport.signatures[0]).toMatchObject({ indication: 'TOTAL_PASSED', level: 'PAdES-BASELINE-T', timeSource: 'signature-time-stamp' });
    expect(Math.abs(Date.parse(btReport.signatures[0]!.provenTime!) - Date.now())).toBeLessThan(120_000);

    const untrusted = await validate(bt, []);
    expect(untrusted.signatures[0]).toMatchObject({ level: 'PAdES-BASELINE-B', timeSource: 'none' });
    expect(untrusted.signatures[0]!.checks.find((c) => c.name === 'time-stamp')).toMatchObject({ ok: false, reason: 'TSA is not trusted' });

    const officer = (await latestCertificate(server.services.db, WEIMING.nric))!;
    const lt = await addValidationData({ pdf: bt, data: { certificates: [officer.der, Buffer.from(server.services.ca.certificate.rawData)], crls: [(await server.services.ca.currentCrl()).der], ocspResponses: [] } });
    if (!lt.ok) throw new Error(lt.message);
    expect((await validate(lt.pdf)).signatures[0]).toMatchObject({ level: 'PAdES-BASELINE-LT', changesAfter: 'signatures' });
    const lta = await addDocumentTimeStamp({ pdf: lt.pdf, timeStamp });
    if (!lta.ok) throw new Error(lta.message);
    const report = await validate(lta.pdf);
    expect(report.valid).toBe(true);
    expect(report.signatures.map((s) => [s.kind, s.indication, s.level])).toEqual([
      ['signature', 'TOTAL_PASSED', 'PAdES-BASELINE-LTA'],
      ['document-timestamp', 'TOTAL_PASSED', null],
    ]);
  });

  it('bytes that are not a PDF are bad input, not a report', async () => {
    await expect(validate(Buffer.from('not a pdf at all'))).rejects.toBeInstanceOf(PdfFormatError);
  });
});
