import { addSignatureTimeStamp, signatureValueDigest } from '../cms/addSignatureTimeStamp.js';
import { embedSignature } from './embedSignature.js';
import type { TimeStampSupplier } from './inputs.js';
import type { PreparedSignature } from './preparePdfSignature.js';

export type FinishResult = { ok: true; pdf: Buffer; level: 'B-B' | 'B-T' } | { ok: false; reason: 'too_large' | 'time_stamp_failed'; message: string };

/**
 * Puts a PAdES CMS (made by server/cms for the prepared revision's digest) into its revision.
 * With a time-stamp supplier the CMS first gets a signature time-stamp over its signature value
 * (B-T, ETSI EN 319 142-1 §6.3); a supplier that fails fails the whole step (nothing is written).
 */
export async function finishSignature(options: {
  prepared: Pick<PreparedSignature, 'bytes' | 'byteRange' | 'capacity'>;
  cms: Uint8Array;
  timeStamp?: TimeStampSupplier;
}): Promise<FinishResult> {
  let cms = options.cms;
  if (options.timeStamp) {
    try {
      cms = addSignatureTimeStamp(cms, await options.timeStamp(signatureValueDigest(cms)));
    } catch (error) {
      return { ok: false, reason: 'time_stamp_failed', message: error instanceof Error ? error.message : 'time-stamp failed' };
    }
  }
  const embedded = embedSignature(options.prepared, cms);
  return embedded.ok ? { ok: true, pdf: embedded.pdf, level: options.timeStamp ? 'B-T' : 'B-B' } : embedded;
}
