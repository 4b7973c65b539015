import { and, eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { SigningRequestView } from '../../shared/schemas/signingRequest.js';
import { checkSameOrigin } from './checkSameOrigin.js';
import type { Caller, SigningDeps } from './deps.js';
import { getSigningRequest } from './getSigningRequest.js';
import { announceEnded, loadRequest, viewStatus } from './requestStore.js';

/** The officer closed the dialog: the request and its OTP die. */
export async function cancelRequest(deps: Pick<SigningDeps, 'db' | 'audit' | 'now' | 'onRequestEnded'>, id: string, caller: Caller): Promise<SigningRequestView> {
  const { db, audit, now } = deps;
  const { signingRequests } = db.t;
  const row = await loadRequest(deps, id);
  checkSameOrigin(row, caller);
  const changed = await db.transaction(async () => {
    const rows = await db.orm
      .update(signingRequests)
      .set({ status: 'cancelled', otpHash: null })
      .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending')))
      .returning({ id: signingRequests.id });
    if (rows.length === 1) await audit.append({ actor: row.nric, action: 'request.cancelled', subject: id, details: {} });
    return rows.length;
  });
  if (changed !== 1) throw new RoamSignError('request_not_pending', { status: viewStatus(await loadRequest(deps, id), now()) });
  announceEnded(deps, row, 'cancelled');
  return getSigningRequest(deps, id, caller);
}
