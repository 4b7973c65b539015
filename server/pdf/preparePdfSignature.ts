import crypto from 'node:crypto';
import { PDF, PdfArray, PdfDict, PdfName, PdfNumber, PdfRef, PdfStream, PdfString, type PDFPage } from '@libpdf/core';
import { drawStamp, type StampText } from './stampAppearance.js';
import { pdfDate } from './pdfDate.js';

/** Where a visible signature goes: a signature field the PDF names, or a box on a page. */
export type StampPlacement =
  | { field: string }
  /** `page` counts from 1; x, y, width, height in PDF points from the page's lower-left corner. */
  | { page: number; x: number; y: number; width: number; height: number };

/** A revision ready to sign: the whole file, its /Contents left as zeros. */
export interface PreparedSignature {
  /** The file with the new revision appended (every earlier byte unchanged). */
  bytes: Uint8Array;
  /** ISO 32000-1 §12.8.1 /ByteRange: everything but the /Contents hex string, brackets included. */
  byteRange: [number, number, number, number];
  /** SHA-256 of the byte range: the CMS messageDigest (or the time-stamp's message imprint). */
  digest: Buffer;
  /** The signature field this revision fills. */
  fieldName: string;
  /** Bytes the /Contents placeholder can hold (its hex string is twice as long). */
  capacity: number;
}

export type PrepareRefusal =
  | 'not_pdf'
  | 'encrypted'
  | 'not_incremental'
  | 'no_pages'
  | 'field_not_found'
  | 'field_not_signature'
  | 'field_signed'
  | 'page_out_of_range';

export type PrepareResult = { ok: true; prepared: PreparedSignature } | { ok: false; reason: PrepareRefusal; message: string };

/** Default room for a PAdES CMS: the signer certificate, the signature and a signature time-stamp token with its TSA certificate. */
export const SIGNATURE_CAPACITY = 16_384;
/** Default room for a document time-stamp token (ETSI.RFC3161). */
export const TIMESTAMP_CAPACITY = 12_288;

/** ISO 32000-1 §12.5.3 annotation flags: Print (bit 3); Locked (bit 8) for the invisible time-stamp widget. */
const FLAG_PRINT = 4;
const FLAG_LOCKED = 128;
/** ISO 32000-1 §12.7.2 SigFlags: SignaturesExist (1) | AppendOnly (2). */
const SIG_FLAGS = 3;
/** A ByteRange placeholder no number in a real file prints: each number is patched in place, padded with spaces. */
const PLACEHOLDER_NUMBER = 9_999_999_999;

function refusal(reason: PrepareRefusal, message: string): PrepareResult {
  return { ok: false, reason, message };
}

function lastIndexOf(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).lastIndexOf(Buffer.from(needle));
}

/** The page whose /Annots lists `widget`, or the widget's own /P. */
function pageOf(pdf: PDF, widget: PdfDict, widgetRef: PdfRef | null): PDFPage | undefined {
  const pages = pdf.getPages();
  const named = widget.getRef('P');
  if (named) {
    const page = pages.find((p) => p.ref.objectNumber === named.objectNumber && p.ref.generation === named.generation);
    if (page) return page;
  }
  if (!widgetRef) return undefined;
  const resolve = (ref: PdfRef) => pdf.getObject(ref);
  return pages.find((p) =>
    [...(p.dict.getArray('Annots', resolve) ?? [])].some((a) => a instanceof PdfRef && a.objectNumber === widgetRef.objectNumber && a.generation === widgetRef.generation),
  );
}

/** Adds `ref` to a page's /Annots, whether the array is inline or an indirect object. */
function addAnnotation(pdf: PDF, page: PDFPage, ref: PdfRef): void {
  const existing = page.dict.get('Annots');
  if (existing instanceof PdfRef) {
    const array = pdf.getObject(existing);
    if (array instanceof PdfArray) {
      array.push(ref);
      return;
    }
  }
  const annots = existing instanceof PdfArray ? new PdfArray([...existing, ref]) : new PdfArray([ref]);
  page.dict.set('Annots', annots);
}

/** Puts `to` where `from` was in a page's /Annots (inline or indirect array). */
function replaceAnnotation(pdf: PDF, page: PDFPage, from: PdfRef, to: PdfRef): void {
  const existing = page.dict.get('Annots');
  const array = existing instanceof PdfRef ? pdf.getObject(existing) : existing;
  if (!(array instanceof PdfArray)) return;
  const items = [...array].map((item) => (item instanceof PdfRef && item.objectNumber === from.objectNumber && item.generation === from.generation ? to : item));
  if (existing instanceof PdfRef) {
    while (array.length > 0) array.remove(0);
    for (const item of items) array.push(item);
  } else {
    page.dict.set('Annots', new PdfArray(items));
  }
}

/** The normal appearance of a stamp `width` x `height` (ISO 32000-1 §12.5.5), as a form XObject. */
function appearanceStream(pdf: PDF, stamp: StampText | undefined, width: number, height: number): PdfRef {
  const fontDict = (base: string) => PdfDict.of({ Type: PdfName.of('Font'), Subtype: PdfName.of('Type1'), BaseFont: PdfName.of(base), Encoding: PdfName.of('WinAnsiEncoding') });
  const drawing = stamp && width > 0 && height > 0 ? drawStamp(stamp, width, height) : null;
  const resources = drawing
    ? PdfDict.of({ Font: PdfDict.of({ F1: fontDict(drawing.fonts.F1), F2: fontDict(drawing.fonts.F2) }) })
    : new PdfDict();
  const stream = PdfStream.fromDict(
    {
      Type: PdfName.of('XObject'),
      Subtype: PdfName.of('Form'),
      BBox: new PdfArray([PdfNumber.of(0), PdfNumber.of(0), PdfNumber.of(width), PdfNumber.of(height)]),
      Resources: resources,
    },
    drawing?.content ?? new Uint8Array(0),
  );
  return pdf.register(stream);
}

/** The form's dictionary, created in the catalog when the PDF has none. */
function acroFormDict(pdf: PDF): PdfDict {
  pdf.getOrCreateForm();
  const catalog = pdf.getCatalog();
  const entry = catalog.get('AcroForm');
  const dict = entry instanceof PdfRef ? pdf.getObject(entry) : entry;
  if (!(dict instanceof PdfDict)) throw new Error('AcroForm missing after getOrCreateForm');
  return dict;
}

function uniqueFieldName(pdf: PDF, prefix: string): string {
  const names = new Set(pdf.getOrCreateForm().getFieldNames());
  for (let n = 1; ; n++) if (!names.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

/**
 * Appends one revision to a PDF that holds an unsigned signature value: a signature dictionary
 * (`kind: 'signature'`, SubFilter ETSI.CAdES.detached, claimed time in /M, ETSI EN 319 142-1
 * §5.3) or a document time-stamp (`'document-timestamp'`, /Type /DocTimeStamp, SubFilter
 * ETSI.RFC3161, §5.4), its field and widget (with the visible stamp when placed), and a
 * /Contents placeholder of zeros. Every earlier byte stays as it was (ISO 32000-1 §7.5.6
 * incremental update), so earlier signatures keep verifying.
 *
 * The PDF structure is @libpdf/core's (lenient parsing, form fields, incremental save); the
 * placeholder, the stamp and the byte range are RoamSign's, so that the CMS is RoamSign's own
 * (server/cms) and is signed later, through the vault, after the officer's PIN and OTP.
 */
export async function preparePdfSignature(options: {
  pdf: Uint8Array;
  kind: 'signature' | 'document-timestamp';
  /** The claimed signing time written in /M (ignored for a document time-stamp). */
  signingTime: Date;
  placement?: StampPlacement;
  stamp?: StampText;
  /** Name for a new field (default RoamSign_n / RoamSignTimestamp_n). */
  fieldName?: string;
  /** Signer's name (/Name), reason (/Reason) and location (/Location) for readers' signature panels. */
  name?: string;
  reason?: string;
  location?: string;
  capacity?: number;
}): Promise<PrepareResult> {
  const capacity = options.capacity ?? (options.kind === 'signature' ? SIGNATURE_CAPACITY : TIMESTAMP_CAPACITY);
  let pdf: PDF;
  try {
    pdf = await PDF.load(options.pdf);
  } catch (error) {
    return refusal('not_pdf', error instanceof Error ? error.message : 'not a PDF');
  }
  if (pdf.isEncrypted) return refusal('encrypted', 'the PDF is encrypted');
  let blocker = pdf.canSaveIncrementally();
  // A file the library reads as linearized ("Fast Web View") or had to repair takes no incremental
  // update. With no signature in it nothing is lost by writing it out whole with this revision: the
  // officer is shown, and signs, the bytes of that file, and later approvers append to it.
  const rewrite = (blocker === 'linearized' || blocker === 'brute-force-recovery') && !hasSignatures(pdf);
  if (rewrite) blocker = null;
  if (blocker) return refusal('not_incremental', `the PDF cannot take an incremental update (${blocker})`);
  const pages = pdf.getPages();
  if (pages.length === 0) return refusal('no_pages', 'the PDF has no pages');

  const resolve = (ref: PdfRef) => pdf.getObject(ref);
  const sigDict = PdfDict.of({
    Type: PdfName.of(options.kind === 'signature' ? 'Sig' : 'DocTimeStamp'),
    Filter: PdfName.of('Adobe.PPKLite'),
    SubFilter: PdfName.of(options.kind === 'signature' ? 'ETSI.CAdES.detached' : 'ETSI.RFC3161'),
    ByteRange: new PdfArray([PdfNumber.of(0), PdfNumber.of(PLACEHOLDER_NUMBER), PdfNumber.of(PLACEHOLDER_NUMBER), PdfNumber.of(PLACEHOLDER_NUMBER)]),
    Contents: PdfString.fromBytes(new Uint8Array(capacity)),
  });
  if (options.kind === 'signature') {
    // ETSI EN 319 142-1 §5.3: the claimed signing time is /M (the CMS carries no signing-time).
    sigDict.set('M', PdfString.fromString(pdfDate(options.signingTime)));
    if (options.name) sigDict.set('Name', PdfString.fromString(options.name));
    if (options.reason) sigDict.set('Reason', PdfString.fromString(options.reason));
    if (options.location) sigDict.set('Location', PdfString.fromString(options.location));
  }
  const sigRef = pdf.register(sigDict);

  const form = pdf.getOrCreateForm();
  const placement = options.placement;
  let fieldName: string;
  if (placement && 'field' in placement) {
    const field = form.getField(placement.field);
    if (!field) return refusal('field_not_found', `the PDF has no field named "${placement.field}"`);
    if (field.type !== 'signature') return refusal('field_not_signature', `field "${placement.field}" is not a signature field`);
    const dict = field.getDict();
    if (dict.has('V')) return refusal('field_signed', `field "${placement.field}" is already signed`);
    fieldName = field.name;
    dict.set('V', sigRef);
    // A field with one widget kid becomes one merged field-widget dictionary (ISO 32000-1
    // §12.5.6.19): poppler (pdfsig) reads the signature of a kid widget as unsigned.
    const kids = dict.getArray('Kids', resolve);
    const onlyKid = kids?.length === 1 ? kids.at(0) : undefined;
    if (kids && kids.length > 1) return refusal('field_not_signature', `field "${placement.field}" has ${kids.length} widgets; a signature field has one`);
    const fieldRef = field.getRef();
    let page: PDFPage | undefined;
    if (onlyKid instanceof PdfRef) {
      const kid = pdf.getObject(onlyKid);
      if (!(kid instanceof PdfDict)) return refusal('field_not_signature', `field "${placement.field}" has no widget`);
      page = pageOf(pdf, kid, onlyKid);
      for (const key of ['Rect', 'P', 'MK', 'BS', 'Border', 'F', 'StructParent']) {
        const value = kid.get(key);
        if (value !== undefined) dict.set(key, value);
      }
      dict.delete('Kids');
      if (page && fieldRef) replaceAnnotation(pdf, page, onlyKid, fieldRef);
    } else {
      page = pageOf(pdf, dict, fieldRef);
    }
    if (!dict.has('Rect') || !fieldRef) return refusal('field_not_signature', `field "${placement.field}" has no widget`);
    dict.set('Type', PdfName.of('Annot'));
    dict.set('Subtype', PdfName.of('Widget'));
    const rect = dict.getArray('Rect', resolve);
    const [x1, y1, x2, y2] = [0, 1, 2, 3].map((i) => {
      const n = rect?.at(i);
      return n instanceof PdfNumber ? n.value : 0;
    }) as [number, number, number, number];
    dict.set('AP', PdfDict.of({ N: appearanceStream(pdf, options.stamp, Math.abs(x2 - x1), Math.abs(y2 - y1)) }));
    dict.set('F', PdfNumber.of(FLAG_PRINT));
    if (page && !dict.has('P')) dict.set('P', page.ref);
  } else {
    const pageNumber = placement ? placement.page : 1;
    const page = pages[pageNumber - 1];
    if (!page) return refusal('page_out_of_range', `the PDF has ${pages.length} pages, not ${pageNumber}`);
    fieldName = options.fieldName ?? uniqueFieldName(pdf, options.kind === 'signature' ? 'RoamSign_' : 'RoamSignTimestamp_');
    if (form.hasField(fieldName)) return refusal('field_signed', `the PDF already has a field named "${fieldName}"`);
    const field = form.createSignatureField(fieldName);
    const dict = field.getDict();
    const fieldRef = field.getRef();
    if (!fieldRef) throw new Error('a new field has no reference');
    // One dictionary that is both the field and its widget (ISO 32000-1 §12.5.6.19, §12.7.4.5).
    dict.delete('Kids');
    dict.set('Type', PdfName.of('Annot'));
    dict.set('Subtype', PdfName.of('Widget'));
    dict.set('V', sigRef);
    dict.set('P', page.ref);
    const box = placement && 'page' in placement ? placement : null;
    dict.set('F', PdfNumber.of(box ? FLAG_PRINT : FLAG_PRINT | FLAG_LOCKED));
    dict.set('Rect', new PdfArray((box ? [box.x, box.y, box.x + box.width, box.y + box.height] : [0, 0, 0, 0]).map((n) => PdfNumber.of(n))));
    dict.set('AP', PdfDict.of({ N: appearanceStream(pdf, box ? options.stamp : undefined, box?.width ?? 0, box?.height ?? 0) }));
    addAnnotation(pdf, page, fieldRef);
  }
  acroFormDict(pdf).set('SigFlags', PdfNumber.of(SIG_FLAGS));

  const bytes = await pdf.save({ incremental: !rewrite });
  if (!rewrite && Buffer.from(bytes.buffer, bytes.byteOffset, options.pdf.byteLength).compare(Buffer.from(options.pdf)) !== 0) {
    // The library rewrote earlier bytes: that would break every earlier signature.
    return refusal('not_incremental', 'the PDF could not be updated without rewriting it');
  }
  return { ok: true, prepared: locatePlaceholder(bytes, fieldName, capacity) };
}

/** Whether any signature field of the PDF holds a value (a signature or a document time-stamp). */
function hasSignatures(pdf: PDF): boolean {
  const form = pdf.getForm();
  return form !== null && form.getSignatureFields().some((field) => field.getDict().has('V'));
}

/** Finds this revision's placeholders (the last ones in the file), writes the real /ByteRange and hashes it. */
function locatePlaceholder(bytes: Uint8Array, fieldName: string, capacity: number): PreparedSignature {
  const placeholder = Buffer.from(`[0 ${PLACEHOLDER_NUMBER} ${PLACEHOLDER_NUMBER} ${PLACEHOLDER_NUMBER}]`, 'latin1');
  const rangeAt = lastIndexOf(bytes, placeholder);
  const contentsAt = lastIndexOf(bytes, Buffer.from(`<${'00'.repeat(capacity)}>`, 'latin1'));
  if (rangeAt < 0 || contentsAt < 0) throw new Error('signature placeholders not found in the saved revision');
  const contentsEnd = contentsAt + 2 * capacity + 2;
  const byteRange: PreparedSignature['byteRange'] = [0, contentsAt, contentsEnd, bytes.byteLength - contentsEnd];
  const written = `[${byteRange.join(' ')}]`.padEnd(placeholder.length, ' ');
  if (written.length !== placeholder.length) throw new Error('byte range does not fit its placeholder');
  const out = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  out.write(written, rangeAt, 'latin1');
  const digest = crypto.createHash('sha256').update(out.subarray(0, contentsAt)).update(out.subarray(contentsEnd)).digest();
  return { bytes: out, byteRange, digest, fieldName, capacity };
}
