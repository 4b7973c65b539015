import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDetachedCms } from '../../../server/cms/parseDetached.js';
import { AMINAH, call, latestOtp, systemToken, WEIMING } from '../../helpers/api.js';
import { addRoamingOfficer, SITI } from '../../helpers/officers.js';
import { nssTrusting, pdfsig, qpdfCheck } from '../../helpers/pdfsig.js';
import { startLiveServer, type LiveServer } from '../../e2e/liveServer.js';
import { startTestTsa, type TestTsa } from '../../helpers/testTsa.js';
import { APPROVER_FIELDS, makeVoucherPdf } from '../../helpers/voucherPdf.js';

// A listening server: its certificates name its OCSP responder (AIA), which pdfsig (NSS) asks.
let server: LiveServer;
let tsa: TestTsa;
let token: string;

/** A request with a PDF body (what an agency's server sends), as the sandbox iGFMAS client unless headers say otherwise. */
async function sendPdf(pathAndQuery: string, pdf: Uint8Array, headers: Record<string, string> = {}) {
  const res = await server.app.request(pathAndQuery, {
    method: 'POST',
    headers: { 'Content-Type': 'application/pdf', Authorization: `Bearer ${token}`, ...headers },
    body: new Uint8Array(pdf),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function download(id: string) {
  const res = await server.app.request(`/api/v1/pdfs/${id}/signed`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') };
}

/** The officer signs the prepared document through the ordinary signing-request flow (PIN + OTP). */
async function approve(officer: { nric: string; pin: string }, document: unknown) {
  const created = await call(server, 'POST', '/api/v1/signing-requests', { nric: officer.nric, system: 'igfmas', documents: [document] });
  expect(created.status).toBe(201);
  const otp = await latestOtp(server, created.body.id, officer.nric);
  const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: officer.pin, otp });
  expect(done.status).toBe(200);
  return done.body;
}

beforeAll(async () => {
  tsa = await startTestTsa();
  const trust = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-tsa-trust-')), 'tsa.pem');
  fs.writeFileSync(trust, tsa.caPem);
  server = await startLiveServer({ ROAMSIGN_PDF_LEVEL: 'B-LTA', ROAMSIGN_PDF_TSA_URL: tsa.url, ROAMSIGN_PDF_TSA_TRUST_FILE: trust, ROAMSIGN_PDF_MAX_BYTES: String(2 * 1024 * 1024) });
  await addRoamingOfficer(server, SITI);
  token = await systemToken(server, 'igfmas');
});

afterAll(async () => {
  await tsa?.close();
  await server?.stop();
});

describe('POST /api/v1/pdfs: a signing request whose document is a PDF', () => {
  it('Peraku I, Peraku II and Sah sign one Pesanan Tempatan in order through PIN + OTP; every signature stays valid (pdfsig, qpdf, RoamSign report)', async () => {
    const original = await makeVoucherPdf({ kind: 'pesanan-tempatan', number: 'PT-2026-000077', pages: 2, signatureFields: true });
    const first = await sendPdf(`/api/v1/pdfs?nric=${AMINAH.nric}&system=igfmas&field=${APPROVER_FIELDS[0]}&title=${encodeURIComponent('Pesanan Tempatan PT-2026-000077')}`, original);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'prepared', fieldName: 'Peraku_I', nric: AMINAH.nric, document: { id: first.body.id, summary: { title: 'Pesanan Tempatan PT-2026-000077' } } });

    // Before the officer signs there is nothing to download.
    expect((await download(first.body.id)).status).toBe(409);

    const signedResult = await approve(AMINAH, first.body.document);
    expect(signedResult.verification.valid).toBe(true);
    const one = await download(first.body.id);
    expect(one.status).toBe(200);
    expect(one.type).toBe('application/pdf');
    expect(one.bytes.subarray(0, original.byteLength).equals(Buffer.from(original))).toBe(true);

    let previous = first.body.id as string;
    for (const [i, officer] of [WEIMING, SITI].entries()) {
      const next = await call(server, 'POST', `/api/v1/pdfs/${previous}/next`, { nric: officer.nric, placement: { field: APPROVER_FIELDS[i + 1] } }, { Authorization: `Bearer ${token}` });
      expect(next.status).toBe(201);
      expect(next.body).toMatchObject({ previous, fieldName: APPROVER_FIELDS[i + 1], document: { summary: { title: 'Pesanan Tempatan PT-2026-000077' } } });
      await approve(officer, next.body.document);
      previous = next.body.id;
    }
    const final = await download(previous);
    expect(final.status).toBe(200);
    // A second download is the same file (finished once).
    expect((await download(previous)).bytes.equals(final.bytes)).toBe(true);

    const nss = nssTrusting(server.services.ca.certificate.toString('pem'));
    const report = await pdfsig(final.bytes, nss);
    const signatures = report.signatures.filter((s) => s.subFilter === 'ETSI.CAdES.detached');
    expect(signatures.map((s) => s.field)).toEqual([...APPROVER_FIELDS]);
    for (const s of signatures) expect(s, report.output).toMatchObject({ signatureValid: true, certificateTrusted: true });
    expect(qpdfCheck(final.bytes).ok).toBe(true);

    const verified = await sendPdf('/api/v1/pdfs/verify', final.bytes, { Authorization: '' });
    expect(verified.status).toBe(200);
    expect(verified.body.valid).toBe(true);
    const approvals = verified.body.signatures.filter((s: any) => s.kind === 'signature');
    expect(approvals.map((s: any) => [s.field, s.signer.nric, s.indication, s.level, s.timeSource])).toEqual([
      ['Peraku_I', AMINAH.nric, 'TOTAL_PASSED', 'PAdES-BASELINE-LTA', 'signature-time-stamp'],
      ['Peraku_II', WEIMING.nric, 'TOTAL_PASSED', 'PAdES-BASELINE-LTA', 'signature-time-stamp'],
      ['Sah', SITI.nric, 'TOTAL_PASSED', 'PAdES-BASELINE-LTA', 'signature-time-stamp'],
    ]);
    expect(approvals.map((s: any) => s.changesAfter)).toEqual(['signatures', 'signatures', 'signatures']);

    // The human page the stamp's QR code opens, in both languages.
    const page = await server.app.request(`/pdf/v/${previous}`);
    expect(page.status).toBe(200);
    const ms = await page.text();
    expect(ms).toMatch(/Laporan Pengesahan Tandatangan PDF/);
    expect(ms).toMatch(/Semua tandatangan sah/);
    expect(ms).toMatch(/Siti Nurhaliza binti Tarudin/);
    expect(await (await server.app.request(`/pdf/v/${previous}?lang=en`)).text()).toMatch(/Every signature is valid/);
  });

  it('RoamSign\'s report and the signing flow refuse what they must: a flipped byte, a body over the limit (413), not a PDF, a missing field, no caller', async () => {
    const pdf = await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'BB-2026-000300' });
    const prepared = await sendPdf(`/api/v1/pdfs?nric=${AMINAH.nric}&system=igfmas&page=1&x=350&y=60&width=200&height=80`, pdf);
    expect(prepared.status).toBe(201);
    await approve(AMINAH, prepared.body.document);
    const signed = (await download(prepared.body.id)).bytes;
    const tampered = Buffer.from(signed);
    // One hex digit of the voucher's title ("KERAJAAN ...", drawn as a hex string): a byte the
    // signature covers, changed without touching the PDF's structure.
    const at = tampered.indexOf('<4B4552414A41414E');
    expect(at).toBeGreaterThan(0);
    tampered[at + 2] = tampered[at + 2] === 0x42 ? 0x43 : 0x42;
    const report = await sendPdf('/api/v1/pdfs/verify', tampered);
    expect(report.status).toBe(200);
    expect(report.body.signatures[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });

    const big = await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'BB-2026-000301', padToBytes: 3 * 1024 * 1024 });
    const tooLarge = await sendPdf(`/api/v1/pdfs?nric=${AMINAH.nric}&system=igfmas`, big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('payload_too_large');

    const notPdf = await sendPdf(`/api/v1/pdfs?nric=${AMINAH.nric}&system=igfmas`, Buffer.from('hello'));
    expect(notPdf.status).toBe(400);
    expect(notPdf.body.error.details.reason).toBe('not_pdf');
    const noField = await sendPdf(`/api/v1/pdfs?nric=${AMINAH.nric}&system=igfmas&field=Lulus`, pdf);
    expect(noField.status).toBe(400);
    expect(noField.body.error.details.reason).toBe('field_not_found');
    const wrongType = await server.app.request(`/api/v1/pdfs?nric=${AMINAH.nric}&system=igfmas`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{}' });
    expect(wrongType.status).toBe(400);
    const nobody = await server.app.request(`/api/v1/pdfs?nric=${AMINAH.nric}&system=igfmas`, { method: 'POST', headers: { 'Content-Type': 'application/pdf' }, body: new Uint8Array(pdf) });
    expect(nobody.status).toBe(401);
    const otherSystem = await sendPdf(`/api/v1/pdfs?nric=${AMINAH.nric}&system=speks`, pdf);
    expect(otherSystem.status).toBe(403);
    expect((await sendPdf('/api/v1/pdfs/verify', Buffer.from('not a pdf'))).status).toBe(400);
  });

  it('a PDF document in a signing request gets a PAdES CMS (no signingTime); a screen\'s document beside it keeps its CAdES signingTime', async () => {
    const screen = { id: 'STH-2026-000999', digest: Buffer.alloc(32, 7).toString('base64') };
    const mixed = await sendPdf(`/api/v1/pdfs?nric=${WEIMING.nric}&system=igfmas`, await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'BB-2026-000303' }));
    const created = await call(server, 'POST', '/api/v1/signing-requests', { nric: WEIMING.nric, system: 'igfmas', documents: [mixed.body.document, screen] });
    const otp = await latestOtp(server, created.body.id, WEIMING.nric);
    const completed = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: WEIMING.pin, otp });
    expect(completed.status).toBe(200);
    const [pdfCms, screenCms] = completed.body.signatures.map((s: any) => parseDetachedCms(Buffer.from(s.signature, 'base64')));
    expect(pdfCms.signingTime).toBeNull();
    expect(screenCms.signingTime).not.toBeNull();
    expect(completed.body.verification.valid).toBe(true);
  });
});
