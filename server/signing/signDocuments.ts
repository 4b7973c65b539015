import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { CompletedSigningRequest } from '../../shared/schemas/signingRequest.js';
import { createProfiledCmsBatch } from '../cms/batchSigner.js';
import { recordActivity } from '../lifecycle/inactivity.js';
import { latestCertificate } from '../registry/officers.js';
import { checkOwnSignatures } from './checkOwnSignatures.js';
import { timeStampSignatures } from './timeStampSignatures.js';
import type { SigningDeps } from './deps.js';
import { announceEnded, keepSigningLease, markFailed, type RequestRow, type StoredResult } from './requestStore.js';

/** How the officer proved the request (audited with `request.signed`). */
export type SigningFactor = { factor: 'otp' } | { factor: 'passkey'; credentialId: string };

export type SignDeps = Pick<SigningDeps, 'db' | 'vault' | 'ca' | 'audit' | 'policy' | 'documentProfiles' | 'onRequestEnded' | 'timeStamper' | 'now'>;

/**
 * The one signing tail of both completions (OTP and passkey), for a request this completion has
 * just flipped `pending` -> `signing`. In order, under the signing lease (kept alive meanwhile):
 *   1. the officer's certificate, still unrevoked;
 *   2. one CMS batch over every document's digest (CAdES, or PAdES for a prepared PDF);
 *   3. one vault signature for the batch (the officer's key never leaves the vault), and a
 *      signature time-stamp on each CAdES signature (timeStampSignatures.ts, issue 20);
 *   4. RoamSign checks its own signatures (checkOwnSignatures: signature, chain, revocation);
 *   5. one transaction, only while the request is still `signing`: `signed`, the result, the
 *      signatures, the officer's activity and the audit line;
 *   6. GPKI Mobile is told (not awaited).
 * Any failure fails the request (its code, or `internal`) and is thrown as a RoamSignError.
 */
export async function signDocuments(deps: SignDeps, row: RequestRow, factor: SigningFactor): Promise<CompletedSigningRequest> {
  const { db, vault, ca, audit, now } = deps;
  const { signatures, signingRequests } = db.t;
  const stopLease = keepSigningLease(deps, row.id);
  try {
    if (deps.policy.testSigningDelayMs) await sleep(deps.policy.testSigningDelayMs);

    // 1. The certificate.
    const cert = await latestCertificate(db, row.nric);
    if (!cert || cert.revokedAt !== null) throw new RoamSignError('certificate_revoked');
    const signedAt = new Date(now());

    // 2. The CMS batch, 3. its one vault signature.
    const digests = row.documents.map((d) => Buffer.from(d.digest, 'base64'));
    const profiles = (await deps.documentProfiles?.(row.documents)) ?? [];
    const batch = createProfiledCmsBatch(cert.der, signedAt, digests, profiles);
    const rawSignatures = await vault.sign(cert.keyRef, batch.toBeSigned);
    // 3b. CAdES B-T (issue 20): a signature time-stamp on each CAdES signature (none, nothing signed).
    const cmsList = await timeStampSignatures({ timeStamper: deps.timeStamper, cmsList: batch.assemble(rawSignatures), signatureValues: rawSignatures, profiles });

    // 4. RoamSign verifies what it made.
    const valid = await checkOwnSignatures({ ca, certificateDer: cert.der, certificateSerial: cert.serial, toBeSigned: batch.toBeSigned, signatures: rawSignatures, now: now() });

    const result: CompletedSigningRequest = {
      id: row.id,
      status: 'signed',
      signedAt: signedAt.toISOString(),
      signatures: row.documents.map((doc, i) => ({ documentId: doc.id, signature: cmsList[i]!.toString('base64'), certificateSerial: cert.serial })),
      verification: { valid, checkedAt: new Date(now()).toISOString() },
    };
    const stored: StoredResult = { id: result.id, status: result.status, signedAt: result.signedAt, verification: result.verification };

    // 5. The commit.
    await db.transaction(async () => {
      // Only while still `signing`: a request recovered as interrupted (lease run out) stays failed,
      // and its signatures are never committed nor given out.
      const still = await db.orm
        .update(signingRequests)
        .set({ status: 'signed', signedAt: signedAt.getTime(), result: stored, signingUntil: null })
        .where(and(eq(signingRequests.id, row.id), eq(signingRequests.status, 'signing')))
        .returning({ id: signingRequests.id });
      if (!still.length) throw new RoamSignError('request_not_pending', { status: 'failed', reason: 'interrupted' });
      await db.orm.insert(signatures).values(
        row.documents.map((doc, i) => ({
          requestId: row.id,
          documentId: doc.id,
          digest: doc.digest,
          cms: cmsList[i]!,
          certificateSerial: cert.serial,
          createdAt: signedAt.getTime(),
        })),
      );
      await recordActivity(db, row.nric, signedAt.getTime()); // lifecycle: a signature is activity (90-day rule)
      await audit.append({
        actor: row.nric,
        action: 'request.signed',
        subject: row.id,
        details: { documents: row.documents.length, certificateSerial: cert.serial, valid, ...factor },
      });
    });

    // 6. The phone.
    announceEnded(deps, row, 'signed');
    return result;
  } catch (error) {
    const code = error instanceof RoamSignError ? error.code : 'internal';
    await markFailed(deps, row, 'signing', code, 'request.failed');
    throw error instanceof RoamSignError ? error : new RoamSignError('internal', undefined, { cause: error });
  } finally {
    stopLease();
  }
}
