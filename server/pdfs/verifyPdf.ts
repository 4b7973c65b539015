import { RoamSignError } from '../../shared/errors.js';
import type { PdfValidationReport } from '../../shared/schemas/pdf.js';
import { PdfFormatError, validatePdf } from '../pdf/validatePdf.js';
import { verifySignature } from '../signing/verifySignature.js';
import type { PdfDeps } from './deps.js';
import { loadPdf } from './pdfRows.js';
import { inPdfSlot } from './pdfSlots.js';

/**
 * The validation report of a PDF's signatures (issue 25 §3), from the same CMS verifier as
 * POST /api/v1/verify. Bytes that are not a PDF are 400 bad_request.
 */
export async function verifyPdf(deps: Pick<PdfDeps, 'db' | 'ca' | 'now' | 'trustedTimeStampAuthorities'>, pdf: Uint8Array): Promise<PdfValidationReport> {
  const { db, ca, now } = deps;
  try {
    return await inPdfSlot(() =>
      validatePdf({
        pdf,
        verifyCms: (signature, digest) => verifySignature({ db, ca, signature, digest, now, trustedTimeStampAuthorities: deps.trustedTimeStampAuthorities }),
        trustedTimeStampAuthorities: deps.trustedTimeStampAuthorities,
        now,
      }),
    );
  } catch (error) {
    if (error instanceof PdfFormatError) throw new RoamSignError('bad_request', { reason: 'not_pdf', message: error.message });
    throw error;
  }
}

/** The report of the signed PDF RoamSign keeps for `id` (the stamp's QR link); 404 until it is signed. */
export async function verifyStoredPdf(deps: Pick<PdfDeps, 'db' | 'ca' | 'now' | 'trustedTimeStampAuthorities'>, id: string): Promise<PdfValidationReport> {
  const row = await loadPdf(deps.db, id);
  if (!row.signed) throw new RoamSignError('not_found', { reason: 'not_signed_yet' });
  return verifyPdf(deps, row.signed);
}
