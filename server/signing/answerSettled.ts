import { asc, eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { CompletedSigningRequest } from '../../shared/schemas/signingRequest.js';
import { otpMatches } from '../otp/otp.js';
import type { SigningDeps } from './deps.js';
import { viewStatus, type RequestRow, type StoredResult } from './requestStore.js';

/**
 * The answer to a completion of a request no longer `pending`. A request that already signed
 * answers an identical completion with the same body (API.md). The stored result leaves out the
 * signatures (up to 500 CMS, each already in `signatures`): they are put back from there, in
 * signing order. Results stored whole by earlier versions are kept as is. Anything else refuses
 * with request_not_pending.
 */
export async function answerSettled(deps: Pick<SigningDeps, 'db' | 'otpKey' | 'now'>, row: RequestRow, otp: string): Promise<CompletedSigningRequest> {
  const { db, otpKey } = deps;
  const { signatures } = db.t;
  if (row.status === 'signed' && otpMatches(otpKey, row.id, otp, row.consumedOtpHash)) {
    const stored = row.result as StoredResult & { signatures?: CompletedSigningRequest['signatures'] };
    if (stored.signatures) return stored as CompletedSigningRequest;
    return {
      id: stored.id,
      status: stored.status,
      signedAt: stored.signedAt,
      signatures: (
        await db.orm
          .select({ documentId: signatures.documentId, cms: signatures.cms, certificateSerial: signatures.certificateSerial })
          .from(signatures)
          .where(eq(signatures.requestId, row.id))
          .orderBy(asc(signatures.id))
      ).map((s) => ({
        documentId: s.documentId,
        signature: s.cms.toString('base64'),
        certificateSerial: s.certificateSerial,
      })),
      verification: stored.verification,
    };
  }
  throw new RoamSignError('request_not_pending', {
    status: viewStatus(row, deps.now()),
    ...(row.status === 'signing' ? { retryAfterSeconds: 1 } : {}),
    ...(row.failureCode ? { reason: row.failureCode } : {}),
  });
}
