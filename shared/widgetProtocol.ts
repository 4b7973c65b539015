import type { ClientErrorCode, ErrorCode } from './errors.js';
import type { DocumentSummary, DocumentSignature } from './schemas/signingRequest.js';
import type { ScreenRule } from './siteRules.js';
import type { SystemId } from './systems.js';

/** Codes a widget promise can reject with: the API's, plus what only the client knows. */
export type WidgetErrorCode = ErrorCode | ClientErrorCode;

/** A document to sign with its digest already made (RoamSign.sign(), batches). */
export interface SignDocument {
  id: string;
  digest: string;
  summary?: DocumentSummary;
}

/**
 * A document as the page read it from the clicked control's container. The page only supplies
 * these fields: the dialog shows every one and hashes exactly them (DESIGN.md "What you see is
 * what you sign").
 */
export interface PageDocument {
  fields: Record<string, string>;
  labels?: Record<string, string>;
  idField: string;
  amountField?: string;
  payeeField?: string;
  title?: string;
}

/** Why nothing can be signed for a click: the dialog says it, and nothing is posted. */
export type ReadProblem = Extract<
  ClientErrorCode,
  'no_officer' | 'no_document' | 'ambiguous_document' | 'field_missing' | 'unsupported_request' | 'unknown_control' | 'nothing_selected' | 'hidden_selected' | 'too_many_documents'
>;

/** Every problem a page may report (shared/jobInput.ts accepts no other). */
export const READ_PROBLEMS: readonly ReadProblem[] = [
  'no_officer',
  'no_document',
  'ambiguous_document',
  'field_missing',
  'unsupported_request',
  'unknown_control',
  'nothing_selected',
  'hidden_selected',
  'too_many_documents',
];

/** What the dialog is asked to do. */
export type JobInput =
  | { kind: 'page'; nric: string; document: PageDocument }
  /** Batch approval (kelulusan pukal): every selected row, in the page's order, under one request. */
  | { kind: 'pages'; nric: string; documents: PageDocument[] }
  | { kind: 'digests'; nric: string; documents: SignDocument[] }
  | { kind: 'refused'; problem: ReadProblem; detail?: string };

/** Page (loader) -> frame. */
export type LoaderMessage =
  | { type: 'roamsign:sign'; ticket: number; system: SystemId; job: JobInput }
  | { type: 'roamsign:ping'; url: string };

/** Frame -> page (loader). */
export type FrameMessage =
  | { type: 'roamsign:ready'; screens?: ScreenRule[] }
  | { type: 'roamsign:open'; ticket: number }
  | { type: 'roamsign:token'; ticket: number }
  | { type: 'roamsign:signed'; ticket: number; requestId: string; signatures: DocumentSignature[] }
  | { type: 'roamsign:cancelled'; ticket: number }
  | { type: 'roamsign:error'; ticket: number; code: WidgetErrorCode; message: string };

export const MESSAGE_PREFIX = 'roamsign:';

export function isFrameMessage(data: unknown): data is FrameMessage {
  return typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string' && (data as { type: string }).type.startsWith(MESSAGE_PREFIX);
}

/** Header through which our own frame (or the extension) reports the embedding page's origin. */
export const PAGE_ORIGIN_HEADER = 'X-RoamSign-Page-Origin';
/**
 * The extension's device token (docs/security.md "device cookie"): its worker keeps no cookies,
 * so the server hands the token to the extension's origin in this response header after a
 * completed signature, and the worker sends it back on every call.
 */
export const DEVICE_TOKEN_HEADER = 'X-RoamSign-Device';

/**
 * The form fields a signature adds to the legacy post (hidden inputs, or body fields of fetch/XHR).
 * No name is ever posted twice (a gate refuses repeated fields: two parsers may pick different copies):
 * - one document: `roamsign_request_id`, `roamsign_document_id`, `roamsign_signature`,
 *   `roamsign_certificate_serial` (the shape since issue 8);
 * - a batch of n >= 2 documents under one request (kelulusan pukal, issue 18): `roamsign_request_id`,
 *   `roamsign_certificate_serial` and `roamsign_count` = n once, then for i = 1..n in the dialog's
 *   order `roamsign_document_id_<i>` and `roamsign_signature_<i>`.
 */
export function signatureFields(result: { requestId: string; signatures: DocumentSignature[] }): [string, string][] {
  const out: [string, string][] = [['roamsign_request_id', result.requestId]];
  const [only, ...more] = result.signatures;
  if (only && more.length === 0) {
    out.push(['roamsign_document_id', only.documentId], ['roamsign_signature', only.signature], ['roamsign_certificate_serial', only.certificateSerial]);
    return out;
  }
  if (!only) return out;
  out.push(['roamsign_certificate_serial', only.certificateSerial], ['roamsign_count', String(result.signatures.length)]);
  result.signatures.forEach((s, i) => out.push([`roamsign_document_id_${i + 1}`, s.documentId], [`roamsign_signature_${i + 1}`, s.signature]));
  return out;
}
