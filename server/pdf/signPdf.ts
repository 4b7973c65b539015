import { createCmsBatch } from '../cms/batchSigner.js';
import type { Vault } from '../vault/vault.js';
import { finishSignature } from './finishSignature.js';
import type { TimeStampSupplier } from './inputs.js';
import { preparePdfSignature, type PrepareRefusal, type StampPlacement } from './preparePdfSignature.js';
import type { StampText } from './stampAppearance.js';

export type SignPdfResult =
  | { ok: true; pdf: Buffer; fieldName: string; level: 'B-B' | 'B-T' }
  | { ok: false; reason: PrepareRefusal | 'too_large' | 'time_stamp_failed'; message: string };

/**
 * Signs a PDF in one go with a key in the vault: a new revision with the signature field and its
 * stamp, a PAdES CMS (server/cms, no signing-time attribute) over its byte range signed by the
 * vault, and, with `timeStamp`, a signature time-stamp (B-T). The signing-request flow does the
 * same in two steps (prepare at upload, sign after PIN + OTP); this is the whole of it for a
 * caller that already holds the officer's authorisation, and for tests and the bench.
 */
export async function signPdf(options: {
  pdf: Uint8Array;
  vault: Pick<Vault, 'sign'>;
  certificate: { der: Uint8Array; keyRef: string };
  signingTime: Date;
  placement?: StampPlacement;
  stamp?: StampText;
  fieldName?: string;
  name?: string;
  reason?: string;
  timeStamp?: TimeStampSupplier;
}): Promise<SignPdfResult> {
  const prepared = await preparePdfSignature({
    pdf: options.pdf,
    kind: 'signature',
    signingTime: options.signingTime,
    ...(options.placement ? { placement: options.placement } : {}),
    ...(options.stamp ? { stamp: options.stamp } : {}),
    ...(options.fieldName ? { fieldName: options.fieldName } : {}),
    ...(options.name ? { name: options.name } : {}),
    ...(options.reason ? { reason: options.reason } : {}),
  });
  if (!prepared.ok) return prepared;
  const batch = createCmsBatch(options.certificate.der, options.signingTime, [prepared.prepared.digest], 'pades');
  const signatures = await options.vault.sign(options.certificate.keyRef, batch.toBeSigned);
  const [cms] = batch.assemble(signatures);
  const finished = await finishSignature({ prepared: prepared.prepared, cms: cms!, ...(options.timeStamp ? { timeStamp: options.timeStamp } : {}) });
  return finished.ok ? { ok: true, pdf: finished.pdf, fieldName: prepared.prepared.fieldName, level: finished.level } : finished;
}
