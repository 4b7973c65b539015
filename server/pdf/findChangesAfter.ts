import crypto from 'node:crypto';
import { PDF, PdfArray, PdfBool, PdfDict, PdfName, PdfNull, PdfNumber, PdfRef, PdfStream, PdfString, type PdfObject } from '@libpdf/core';

/**
 * What changed in a PDF after a signed revision (ISO 32000-1 §12.8.2.2 DocMDP permission levels):
 * - `none`: the signature covers the whole file;
 * - `signatures`: only later signatures, document time-stamps and validation data (/DSS);
 * - `form-filling`: those and form field values (DocMDP P=2);
 * - `other`: anything else (page content, annotations, metadata): not allowed.
 */
export type ChangeKind = 'none' | 'signatures' | 'form-filling' | 'other';

export interface ChangesAfter {
  kind: ChangeKind;
  /** One line per changed object that is not a plain addition, for the report. */
  changes: string[];
}

/** A stable text of an object, streams by the digest of their bytes (to compare two revisions). */
function canonical(obj: PdfObject | undefined | null, depth = 0): string {
  if (obj === undefined || obj === null || obj instanceof PdfNull) return 'null';
  if (depth > 50) return '…';
  if (obj instanceof PdfRef) return `${obj.objectNumber} ${obj.generation} R`;
  if (obj instanceof PdfName) return `/${obj.value}`;
  if (obj instanceof PdfNumber) return String(obj.value);
  if (obj instanceof PdfBool) return String(obj.value);
  if (obj instanceof PdfString) return `<${Buffer.from(obj.bytes).toString('hex')}>`;
  if (obj instanceof PdfArray) return `[${[...obj].map((o) => canonical(o, depth + 1)).join(' ')}]`;
  if (obj instanceof PdfDict) {
    const keys = [...obj.keys()].map((k) => k.value).sort();
    const body = keys.map((k) => `/${k} ${canonical(obj.get(k), depth + 1)}`).join(' ');
    return obj instanceof PdfStream ? `<<${body}>>stream:${crypto.createHash('sha256').update(obj.data).digest('hex')}` : `<<${body}>>`;
  }
  return 'raw';
}

function changedKeys(before: PdfDict, after: PdfDict): string[] {
  const keys = new Set([...before.keys(), ...after.keys()].map((k) => k.value));
  return [...keys].filter((k) => canonical(before.get(k)) !== canonical(after.get(k)));
}

const nameOf = (dict: PdfDict, key: string) => {
  const v = dict.get(key);
  return v instanceof PdfName ? v.value : null;
};

/** Keys a signing or form-filling revision may change, by what the object is. */
const CATALOG_KEYS = new Set(['AcroForm', 'DSS', 'Extensions']);
const ACROFORM_KEYS = new Set(['Fields', 'SigFlags', 'DR', 'DA', 'NeedAppearances']);
const SIGNATURE_FIELD_KEYS = new Set(['V', 'AP', 'AS', 'MK', 'Kids', 'Type', 'Subtype', 'Rect', 'P', 'F', 'BS', 'Border', 'StructParent', 'Lock', 'SV']);
const FORM_FIELD_KEYS = new Set(['V', 'AP', 'AS', 'MK']);

type Verdict = { kind: 'signatures' | 'form-filling' | 'other'; what: string };

/**
 * Judges one object that a later revision changed: the catalog gaining /AcroForm or /DSS, the
 * form gaining fields, a page gaining widget annotations, a signature field being signed, or a
 * form field's value. Anything else is "other".
 */
function judge(number: number, before: PdfObject, after: PdfObject, later: PDF): Verdict {
  const label = `object ${number}`;
  if (!(before instanceof PdfDict) || !(after instanceof PdfDict) || before instanceof PdfStream || after instanceof PdfStream) {
    return { kind: 'other', what: `${label}: content changed` };
  }
  const keys = changedKeys(before, after);
  const type = nameOf(after, 'Type');
  if (type === 'Catalog') {
    const bad = keys.filter((k) => !CATALOG_KEYS.has(k));
    return bad.length ? { kind: 'other', what: `${label} (catalog): ${bad.join(', ')} changed` } : { kind: 'signatures', what: `${label} (catalog): ${keys.join(', ')}` };
  }
  if (type === 'Page') {
    const bad = keys.filter((k) => k !== 'Annots');
    if (bad.length) return { kind: 'other', what: `${label} (page): ${bad.join(', ')} changed` };
    const resolve = (ref: PdfRef) => later.getObject(ref);
    const oldAnnots = new Set([...(before.getArray('Annots', resolve) ?? [])].map((a) => canonical(a)));
    const added = [...(after.getArray('Annots', resolve) ?? [])].filter((a) => !oldAnnots.has(canonical(a)));
    const annots = added.map((a) => (a instanceof PdfRef ? later.getObject(a) : a));
    if (!annots.every((a) => a instanceof PdfDict && nameOf(a, 'Subtype') === 'Widget')) return { kind: 'other', what: `${label} (page): an annotation other than a form widget was added` };
    const signatureWidgets = annots.every((a) => a instanceof PdfDict && (nameOf(a, 'FT') === 'Sig' || a.has('V')));
    return { kind: signatureWidgets ? 'signatures' : 'form-filling', what: `${label} (page): ${added.length} widget(s) added` };
  }
  if (after.has('Fields') && !type) {
    const bad = keys.filter((k) => !ACROFORM_KEYS.has(k));
    return bad.length ? { kind: 'other', what: `${label} (form): ${bad.join(', ')} changed` } : { kind: 'signatures', what: `${label} (form): ${keys.join(', ')}` };
  }
  const fieldType = nameOf(after, 'FT');
  if (fieldType === 'Sig') {
    // A signature field may be signed once: its value set where there was none.
    const bad = keys.filter((k) => !SIGNATURE_FIELD_KEYS.has(k));
    if (bad.length || (before.has('V') && keys.includes('V'))) return { kind: 'other', what: `${label} (signature field): ${keys.join(', ')} changed` };
    return { kind: 'signatures', what: `${label} (signature field): signed` };
  }
  if (fieldType || nameOf(after, 'Subtype') === 'Widget') {
    const bad = keys.filter((k) => !FORM_FIELD_KEYS.has(k));
    return bad.length ? { kind: 'other', what: `${label} (form field): ${bad.join(', ')} changed` } : { kind: 'form-filling', what: `${label} (form field): value filled` };
  }
  return { kind: 'other', what: `${label}: ${keys.join(', ') || 'content'} changed` };
}

/**
 * What the revisions after the first `coveredLength` bytes changed. Each object of the later file
 * is compared with the same object in the signed revision: a new object is an addition (it can
 * only be reached through a changed one, which is judged); a changed one is judged by what it is.
 */
export async function findChangesAfter(options: { bytes: Uint8Array; coveredLength: number; later?: PDF }): Promise<ChangesAfter> {
  if (options.coveredLength >= options.bytes.byteLength) return { kind: 'none', changes: [] };
  const signed = await PDF.load(options.bytes.subarray(0, options.coveredLength));
  const later = options.later ?? (await PDF.load(options.bytes));
  const last = later.context.registry.nextObjectNumber;
  const changes: string[] = [];
  let kind: ChangeKind = 'signatures';
  const rank: Record<ChangeKind, number> = { none: 0, signatures: 1, 'form-filling': 2, other: 3 };
  for (let n = 1; n < last; n++) {
    const ref = PdfRef.of(n, 0);
    const after = later.getObject(ref);
    if (!after) continue;
    const before = signed.getObject(ref);
    if (!before) continue;
    if (canonical(before) === canonical(after)) continue;
    const verdict = judge(n, before, after, later);
    changes.push(verdict.what);
    if (rank[verdict.kind] > rank[kind]) kind = verdict.kind;
  }
  return { kind, changes };
}
