import { and, asc, eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { findSignatureTimeStamp } from '../cms/findSignatureTimeStamp.js';
import { parseDetachedCms } from '../cms/parseDetached.js';
import { addDocumentTimeStamp } from '../pdf/addDocumentTimeStamp.js';
import { addValidationData } from '../pdf/addValidationData.js';
import { finishSignature } from '../pdf/finishSignature.js';
import { checkCaller } from './checkCaller.js';
import { SIGNED_LIFETIME_MS, type PdfCaller, type PdfDeps } from './deps.js';
import { loadPdf, storeSigned, type PdfRow } from './pdfRows.js';
import { inPdfSlot } from './pdfSlots.js';

/** The certificates inside a time-stamp token (its TSA's), for the /DSS. */
function tokenCertificates(cms: Buffer): Buffer[] {
  const { token } = findSignatureTimeStamp(cms);
  if (!token) return [];
  try {
    return parseDetachedCms(token).certificates;
  } catch {
    return [];
  }
}

/**
 * Puts the officer's signature into the prepared revision and raises it to the configured level:
 * the CMS that the signing request made over this PDF's digest (PAdES profile, server/cms), a
 * signature time-stamp (B-T), the chain, CRL and TSA certificates in /DSS (B-LT), and a document
 * time-stamp (B-LTA). Done once, at the first download after the request signed; a failing
 * time-stamp authority leaves the PDF unsigned and says so (503 unavailable), to be tried again.
 */
async function finish(deps: PdfDeps, row: PdfRow): Promise<Buffer> {
  const { db, now } = deps;
  const { signatures, signingRequests, certificates } = db.t;
  const [signature] = await db.orm
    .select({ cms: signatures.cms, serial: signatures.certificateSerial })
    .from(signatures)
    .innerJoin(signingRequests, eq(signingRequests.id, signatures.requestId))
    .where(and(eq(signatures.documentId, row.id), eq(signatures.digest, row.digest), eq(signingRequests.status, 'signed'), eq(signingRequests.nric, row.nric), eq(signingRequests.system, row.system)))
    .orderBy(asc(signatures.id))
    .limit(1);
  if (!signature) throw new RoamSignError('request_not_pending', { status: 'prepared', reason: 'not_signed_yet' });

  const level = deps.timeStamp ? deps.level : 'B-B';
  const finished = await finishSignature({
    prepared: { bytes: row.prepared, byteRange: row.byteRange, capacity: row.capacity },
    cms: signature.cms,
    ...(level !== 'B-B' && deps.timeStamp ? { timeStamp: deps.timeStamp } : {}),
  });
  if (!finished.ok) {
    if (finished.reason === 'time_stamp_failed') throw new RoamSignError('unavailable', { reason: 'time_stamp_failed' });
    throw new RoamSignError('internal', { reason: finished.reason });
  }
  let pdf = finished.pdf;
  if ((level === 'B-LT' || level === 'B-LTA') && deps.timeStamp) {
    const [officerCert] = await db.orm.select({ der: certificates.der }).from(certificates).where(eq(certificates.serial, signature.serial));
    const issuer = officerCert ? deps.ca.issuerOf(officerCert.der) ?? deps.ca.current : deps.ca.current;
    const crl = await deps.ca.currentCrl(issuer.id);
    const cms = Buffer.from(pdf.subarray(row.byteRange[1] + 1, row.byteRange[2] - 1).toString('latin1'), 'hex');
    const lt = await addValidationData({
      pdf,
      data: {
        certificates: [...(officerCert ? [officerCert.der] : []), Buffer.from(issuer.certificate.rawData), ...tokenCertificates(cms)],
        crls: [crl.der],
        ocspResponses: [],
      },
    });
    if (!lt.ok) throw new RoamSignError('internal', { reason: lt.reason });
    pdf = lt.pdf;
    if (level === 'B-LTA') {
      const lta = await addDocumentTimeStamp({ pdf, timeStamp: deps.timeStamp, signingTime: new Date(now()) });
      if (!lta.ok) throw new RoamSignError(lta.reason === 'time_stamp_failed' ? 'unavailable' : 'internal', { reason: lta.reason });
      pdf = lta.pdf;
    }
  }
  const at = now();
  if (await storeSigned(db, row.id, { signed: pdf, level, signedAt: at, expiresAt: at + SIGNED_LIFETIME_MS })) return pdf;
  // Another download finished it first: give the stored one (one signed PDF per revision).
  const stored = await loadPdf(db, row.id);
  return stored.signed ?? pdf;
}

/** The signed PDF of `id` (finished on first download); 409 while its signing request has not signed. */
export async function signedPdf(deps: PdfDeps, id: string, caller: PdfCaller): Promise<Buffer> {
  const row = await loadPdf(deps.db, id);
  await checkCaller(deps, row.system, caller);
  if (row.status === 'signed' && row.signed) return row.signed;
  return inPdfSlot(() => finish(deps, row));
}
