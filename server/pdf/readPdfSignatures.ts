import { PDF, PdfArray, PdfDict, PdfName, PdfNumber, PdfRef, PdfString } from '@libpdf/core';
import { parsePdfDate } from './pdfDate.js';

/** One signature value found in a PDF, as its dictionary states it (nothing checked yet). */
export interface PdfSignatureEntry {
  field: string;
  kind: 'signature' | 'document-timestamp';
  subFilter: string | null;
  /** /ByteRange when it is four non-negative integers; null otherwise. */
  byteRange: [number, number, number, number] | null;
  /** /Contents bytes (DER with its zero padding). */
  contents: Buffer;
  /** The claimed signing time (/M). */
  claimedTime: Date | null;
  name: string | null;
  reason: string | null;
}

export type ReadSignaturesResult = { ok: true; pdf: PDF; signatures: PdfSignatureEntry[]; revisionEnds: number[] } | { ok: false; message: string };

function text(value: unknown): string | null {
  return value instanceof PdfString ? value.asString() : null;
}

/**
 * The byte offsets at which each revision ends: after each "%%EOF" marker and its end-of-line
 * (ISO 32000-1 §7.5.5, §7.5.6). A signature's byte range ends at one of them.
 */
export function revisionEnds(bytes: Uint8Array): number[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ends: number[] = [];
  for (let at = buffer.indexOf('%%EOF'); at >= 0; at = buffer.indexOf('%%EOF', at + 5)) {
    let end = at + 5;
    if (buffer[end] === 0x0d) end++;
    if (buffer[end] === 0x0a) end++;
    ends.push(end);
  }
  return ends;
}

/**
 * Every signed signature field of a PDF (ISO 32000-1 §12.7.4.5, §12.8.1): signatures
 * (/Type /Sig or none) and document time-stamps (/Type /DocTimeStamp), in the order of the
 * revisions they sign (by where their byte range ends).
 */
export async function readPdfSignatures(bytes: Uint8Array): Promise<ReadSignaturesResult> {
  let pdf: PDF;
  try {
    pdf = await PDF.load(bytes);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : 'not a PDF' };
  }
  const resolve = (ref: PdfRef) => pdf.getObject(ref);
  const entries: PdfSignatureEntry[] = [];
  for (const field of pdf.getForm()?.getFields() ?? []) {
    if (field.type !== 'signature') continue;
    const value = field.getDict().get('V', resolve);
    if (!(value instanceof PdfDict)) continue;
    const range = value.get('ByteRange', resolve);
    const numbers = range instanceof PdfArray ? [...range].map((n) => (n instanceof PdfNumber && Number.isInteger(n.value) && n.value >= 0 ? n.value : -1)) : [];
    const contents = value.get('Contents', resolve);
    const type = value.get('Type', resolve);
    const subFilter = value.get('SubFilter', resolve);
    const m = text(value.get('M', resolve));
    entries.push({
      field: field.name,
      kind: type instanceof PdfName && type.value === 'DocTimeStamp' ? 'document-timestamp' : 'signature',
      subFilter: subFilter instanceof PdfName ? subFilter.value : null,
      byteRange: numbers.length === 4 && numbers.every((n) => n >= 0) ? (numbers as [number, number, number, number]) : null,
      contents: contents instanceof PdfString ? Buffer.from(contents.bytes) : Buffer.alloc(0),
      claimedTime: m ? parsePdfDate(m) : null,
      name: text(value.get('Name', resolve)),
      reason: text(value.get('Reason', resolve)),
    });
  }
  const end = (e: PdfSignatureEntry) => (e.byteRange ? e.byteRange[2] + e.byteRange[3] : Number.MAX_SAFE_INTEGER);
  entries.sort((a, b) => end(a) - end(b));
  return { ok: true, pdf, signatures: entries, revisionEnds: revisionEnds(bytes) };
}
