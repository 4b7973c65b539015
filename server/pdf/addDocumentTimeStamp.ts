import { embedSignature } from './embedSignature.js';
import type { TimeStampSupplier } from './inputs.js';
import { preparePdfSignature, type PrepareRefusal } from './preparePdfSignature.js';

export type DocumentTimeStampResult = { ok: true; pdf: Buffer } | { ok: false; reason: PrepareRefusal | 'too_large' | 'time_stamp_failed'; message: string };

/**
 * Adds a document time-stamp (ETSI EN 319 142-1 §5.4, B-LTA): a revision with a /DocTimeStamp
 * whose /Contents is an RFC 3161 token over the SHA-256 of its byte range, the whole file but
 * the token. Written after the /DSS, it proves that the validation data existed at its time.
 */
export async function addDocumentTimeStamp(options: { pdf: Uint8Array; timeStamp: TimeStampSupplier; signingTime?: Date }): Promise<DocumentTimeStampResult> {
  const prepared = await preparePdfSignature({ pdf: options.pdf, kind: 'document-timestamp', signingTime: options.signingTime ?? new Date() });
  if (!prepared.ok) return prepared;
  let token: Uint8Array;
  try {
    token = await options.timeStamp(prepared.prepared.digest);
  } catch (error) {
    return { ok: false, reason: 'time_stamp_failed', message: error instanceof Error ? error.message : 'time-stamp failed' };
  }
  return embedSignature(prepared.prepared, token);
}
