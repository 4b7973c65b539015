import { and, eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { ApprovalRelease } from '../../shared/schemas/approval.js';
import type { SystemClient } from '../clients/findAccessToken.js';
import type { ApprovalDeps } from './decideApproval.js';

/** How long after the pass a gate may still give an approval back (the back end's answer comes within it). */
export const RELEASE_WINDOW_MS = 10 * 60_000;

/**
 * Gives back an approval the gate let through when its back end did not take it (issue 17): it
 * answered 5xx or not at all. The first use is forgotten, so the officer's retry of the same
 * signed post passes once (the freshness window still applies). Only the gate's client that
 * recorded the approval, and only shortly after; audited as `approval.released`.
 */
export async function releaseApproval(deps: Pick<ApprovalDeps, 'db' | 'audit' | 'now'>, options: { approvalId: string; input: ApprovalRelease; client: SystemClient }): Promise<{ released: true }> {
  const { db, audit, now } = deps;
  const { approvals } = db.t;
  const { approvalId, input, client } = options;
  const released = await db.transaction(async () => {
    const [found] = await db.orm.select().from(approvals).where(and(eq(approvals.id, approvalId), eq(approvals.clientId, client.clientId)));
    if (!found || now() - found.approvedAt > RELEASE_WINDOW_MS) return null;
    await db.orm.delete(approvals).where(eq(approvals.id, approvalId));
    await audit.append({
      actor: `client:${client.clientId}`,
      action: 'approval.released',
      subject: found.requestId,
      details: { system: client.system, rule: found.rule, approvalId, requestId: found.requestId, documentId: found.documentId, officer: found.nric, upstream: input.upstream },
    });
    return found;
  });
  if (!released) throw new RoamSignError('not_found');
  return { released: true };
}
