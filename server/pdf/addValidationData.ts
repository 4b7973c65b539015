import crypto from 'node:crypto';
import { PDF, PdfArray, PdfDict, PdfName, PdfRef, PdfStream } from '@libpdf/core';
import type { ValidationData } from './inputs.js';

export type ValidationDataResult = { ok: true; pdf: Buffer; added: number } | { ok: false; reason: 'not_pdf' | 'not_incremental'; message: string };

const KEYS = { certificates: 'Certs', crls: 'CRLs', ocspResponses: 'OCSPs' } as const;

function sha256(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes validation data into the document security store (ETSI EN 319 142-1 §5.4.2, B-LT): one
 * incremental revision whose catalog /DSS lists each certificate, CRL and OCSP response as a
 * stream in /Certs, /CRLs and /OCSPs. What an earlier /DSS already holds is kept and not written
 * twice. /VRI (optional in the baseline levels) is not written.
 */
export async function addValidationData(options: { pdf: Uint8Array; data: ValidationData }): Promise<ValidationDataResult> {
  let pdf: PDF;
  try {
    pdf = await PDF.load(options.pdf);
  } catch (error) {
    return { ok: false, reason: 'not_pdf', message: error instanceof Error ? error.message : 'not a PDF' };
  }
  const blocker = pdf.canSaveIncrementally();
  if (blocker || pdf.isEncrypted) return { ok: false, reason: 'not_incremental', message: `the PDF cannot take an incremental update (${blocker ?? 'encrypted'})` };
  const resolve = (ref: PdfRef) => pdf.getObject(ref);
  const catalog = pdf.getCatalog();
  const existing = catalog.get('DSS', resolve);
  const dss = existing instanceof PdfDict ? existing.clone() : PdfDict.of({ Type: PdfName.of('DSS') });

  let added = 0;
  for (const [field, key] of Object.entries(KEYS) as [keyof ValidationData, string][]) {
    const array = dss.getArray(key, resolve);
    const items = array ? [...array] : [];
    const held = new Set(
      items.flatMap((item) => {
        const stream = item instanceof PdfRef ? pdf.getObject(item) : item;
        return stream instanceof PdfStream ? [sha256(stream.getDecodedData())] : [];
      }),
    );
    for (const der of options.data[field]) {
      const hash = sha256(der);
      if (held.has(hash)) continue;
      held.add(hash);
      items.push(pdf.register(new PdfStream(undefined, new Uint8Array(der))));
      added++;
    }
    if (items.length) dss.set(key, new PdfArray(items));
  }
  if (added === 0) return { ok: true, pdf: Buffer.from(options.pdf), added };
  catalog.set('DSS', pdf.register(dss));
  const bytes = await pdf.save({ incremental: true });
  if (Buffer.compare(Buffer.from(bytes.subarray(0, options.pdf.byteLength)), Buffer.from(options.pdf)) !== 0) {
    return { ok: false, reason: 'not_incremental', message: 'the PDF could not be updated without rewriting it' };
  }
  return { ok: true, pdf: Buffer.from(bytes), added };
}
