import type { PreparedPdf } from '../../shared/schemas/pdf.js';
import { checkCaller } from './checkCaller.js';
import type { PdfCaller, PdfDeps } from './deps.js';
import { loadPdf, pdfView } from './pdfRows.js';

/** What RoamSign holds of PDF `id`: its status, digest and byte range (no bytes). */
export async function readPdf(deps: Pick<PdfDeps, 'db' | 'allowedOrigins'>, id: string, caller: PdfCaller): Promise<PreparedPdf> {
  const row = await loadPdf(deps.db, id);
  await checkCaller(deps, row.system, caller);
  return pdfView(row);
}

/** The prepared revision itself: the exact bytes whose byte range the officer signs (for a viewer). */
export async function preparedBytes(deps: Pick<PdfDeps, 'db' | 'allowedOrigins'>, id: string, caller: PdfCaller): Promise<Buffer> {
  const row = await loadPdf(deps.db, id);
  await checkCaller(deps, row.system, caller);
  return row.prepared;
}
