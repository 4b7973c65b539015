import crypto from 'node:crypto';
import { RoamSignError } from '../../shared/errors.js';
import { appendSignatureTimeStamp } from '../cms/addSignatureTimeStamp.js';
import type { CmsProfile } from '../cms/signDetached.js';
import type { TimeStamper } from '../tsa/timeStamper.js';

/**
 * CAdES baseline B-T (ETSI EN 319 122-1 §5.3): every CAdES signature of a batch gets a signature
 * time-stamp (RFC 3161 Appendix A, unsigned attribute id-aa-signatureTimeStampToken) over its
 * signature value, one token per signature, all asked for at once (the embedded TSA signs the whole
 * batch in one vault call). PAdES signatures are left as they are: the PDF engine time-stamps them
 * when it embeds them (docs/pdf.md).
 *
 * When the TSA gives no token, nothing is signed: the request fails with `unavailable` (reason
 * time_stamp_unavailable) and the dialog says so. A signature is never kept at B-B without notice.
 */
export async function timeStampSignatures(options: {
  timeStamper: TimeStamper | undefined;
  cmsList: Buffer[];
  /** The vault's signature values, in the same order (what each time-stamp covers). */
  signatureValues: Uint8Array[];
  profiles: readonly CmsProfile[];
}): Promise<Buffer[]> {
  const { timeStamper, cmsList, signatureValues, profiles } = options;
  if (!timeStamper) return cmsList;
  const indexes = cmsList.flatMap((_, i) => ((profiles[i] ?? 'cades') === 'cades' ? [i] : []));
  if (indexes.length === 0) return cmsList;
  let tokens: Buffer[];
  try {
    tokens = await timeStamper.stamp(indexes.map((i) => crypto.createHash('sha256').update(signatureValues[i]!).digest()));
  } catch (error) {
    throw new RoamSignError('unavailable', { reason: 'time_stamp_unavailable' }, { cause: error });
  }
  const out = [...cmsList];
  indexes.forEach((i, k) => (out[i] = appendSignatureTimeStamp(cmsList[i]!, tokens[k]!)));
  return out;
}
