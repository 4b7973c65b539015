import { MAX_BATCH_DOCUMENTS } from './batchLimit.js';
import { READ_PROBLEMS, type JobInput, type PageDocument, type ReadProblem, type SignDocument } from './widgetProtocol.js';

// What a page (or a content script) asks the dialog to sign, checked where it crosses into the
// dialog's or the worker's hands (web-eid's habit: distrust every boundary). The server checks
// the signing request itself again.

const MAX_FIELDS = 100;
const MAX_VALUE = 10_000;

const isRecordOfStrings = (v: unknown, max: number): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length <= MAX_FIELDS && Object.entries(v).every(([k, s]) => /^[^\s=]{1,64}$/.test(k) && typeof s === 'string' && s.length <= max);

const optionalName = (v: unknown, fields: Record<string, string>) => v === undefined || (typeof v === 'string' && v in fields);

function parsePageDocument(v: unknown): PageDocument | null {
  const d = v as Partial<PageDocument> | null;
  if (!d || typeof d !== 'object' || !isRecordOfStrings(d.fields, MAX_VALUE) || Object.keys(d.fields).length === 0) return null;
  if (typeof d.idField !== 'string' || !(d.idField in d.fields) || !optionalName(d.amountField, d.fields) || !optionalName(d.payeeField, d.fields)) return null;
  if (d.labels !== undefined && !isRecordOfStrings(d.labels, 100)) return null;
  if (d.title !== undefined && (typeof d.title !== 'string' || d.title.length > 100)) return null;
  const { fields, labels, idField, amountField, payeeField, title } = d;
  return { fields, idField, ...(labels && { labels }), ...(amountField && { amountField }), ...(payeeField && { payeeField }), ...(title && { title }) };
}

const isSignDocuments = (v: unknown): v is SignDocument[] =>
  Array.isArray(v) && v.length > 0 && v.length <= MAX_BATCH_DOCUMENTS && v.every((d) => d && typeof d === 'object' && typeof (d as SignDocument).id === 'string' && typeof (d as SignDocument).digest === 'string');

/** The job if it is well formed, else null (and nothing is shown or signed). */
export function parseJobInput(v: unknown): JobInput | null {
  const j = v as { kind?: unknown; nric?: unknown; document?: unknown; documents?: unknown; problem?: unknown; detail?: unknown } | null;
  if (!j || typeof j !== 'object') return null;
  if (j.kind === 'refused') {
    if (!READ_PROBLEMS.includes(j.problem as ReadProblem)) return null;
    return { kind: 'refused', problem: j.problem as ReadProblem, ...(typeof j.detail === 'string' ? { detail: j.detail.slice(0, 100) } : {}) };
  }
  if (typeof j.nric !== 'string' || !/^\d{12}$/.test(j.nric)) return null;
  if (j.kind === 'page') {
    const document = parsePageDocument(j.document);
    return document && { kind: 'page', nric: j.nric, document };
  }
  if (j.kind === 'pages' && Array.isArray(j.documents) && j.documents.length > 1 && j.documents.length <= MAX_BATCH_DOCUMENTS) {
    const documents = j.documents.map(parsePageDocument);
    return documents.every((d): d is PageDocument => d !== null) ? { kind: 'pages', nric: j.nric, documents } : null;
  }
  if (j.kind === 'digests' && isSignDocuments(j.documents)) return { kind: 'digests', nric: j.nric, documents: j.documents };
  return null;
}
