import { RoamSignError } from '../../shared/errors.js';
import type { NextPdfSignature, PreparedPdf } from '../../shared/schemas/pdf.js';
import type { PdfCaller, PdfDeps } from './deps.js';
import { preparePdf } from './preparePdf.js';
import { signedPdf } from './signedPdf.js';
import { loadPdf } from './pdfRows.js';

/**
 * The next approver (Peraku II after Peraku I, then Sah) signs over the signed PDF of `previousId`
 * without uploading it again: a new revision appended to it, so every earlier signature stays valid.
 */
export async function prepareNextSignature(deps: PdfDeps, previousId: string, input: NextPdfSignature, caller: PdfCaller): Promise<PreparedPdf> {
  const previous = await loadPdf(deps.db, previousId);
  const pdf = await signedPdf(deps, previousId, caller);
  if (!pdf.byteLength) throw new RoamSignError('request_not_pending', { status: 'prepared' });
  return preparePdf(
    deps,
    { pdf, nric: input.nric, system: previous.system, previousId, ...(input.title ? { title: input.title } : previous.title ? { title: previous.title } : {}), ...(input.placement ? { placement: input.placement } : {}) },
    caller,
  );
}
