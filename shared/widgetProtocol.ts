import type { ErrorCode } from './errors.js';
import type { DocumentSummary, DocumentSignature } from './schemas/signingRequest.js';
import type { SystemId } from './systems.js';

/** Codes a widget promise can reject with: the API's, plus what only the dialog knows. */
export type WidgetErrorCode = ErrorCode | 'cancelled' | 'unreachable' | 'medium_token';

export interface SignDocument {
  id: string;
  digest: string;
  summary?: DocumentSummary;
}

/** Page (loader) -> frame. */
export type LoaderMessage =
  | { type: 'roamsign:sign'; ticket: number; nric: string; system: SystemId; documents: SignDocument[]; mode: 'button' | 'api' }
  | { type: 'roamsign:ping' };

/** Frame -> page (loader). */
export type FrameMessage =
  | { type: 'roamsign:ready' }
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
