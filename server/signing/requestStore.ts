import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, sql } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { CompletedSigningRequest, SigningStatus } from '../../shared/schemas/signingRequest.js';
import type { Tables } from '../db/database.js';
import type { RequestOutcome } from '../mobile/pushHub.js';
import { OTP_MAX_ATTEMPTS } from '../otp/otp.js';
import type { SigningDeps } from './deps.js';
import { isAbandoned, recoverRequests, SIGNING_LEASE_MS } from '../cluster/recoverRequests.js';

/**
 * Signing requests as stored: load (an abandoned signing settled first), fail, the signing lease,
 * and the ended request told to the phone.
 */
export type RequestRow = Tables['signingRequests']['$inferSelect'];
/** What `signing_requests.result` holds: the completion's answer without its signatures. */
export type StoredResult = Omit<CompletedSigningRequest, 'signatures'>;
/** What telling the phone about an ended request needs of it. */
export type EndedRequest = Pick<RequestRow, 'id' | 'nric' | 'channel'>;

export type StoreDeps = Pick<SigningDeps, 'db' | 'audit' | 'now' | 'onRequestEnded'>;

/** The longest a completion waits for another one of the same request (issue 9: a few seconds at most). */
const SIGNING_WAIT_MS = 3_000;
const SIGNING_POLL_MS = 20;

export async function loadRequest(deps: Pick<SigningDeps, 'db'>, id: string): Promise<RequestRow> {
  const { signingRequests } = deps.db.t;
  const [row] = await deps.db.orm.select().from(signingRequests).where(eq(signingRequests.id, id));
  if (!row) throw new RoamSignError('not_found');
  return row;
}

/** The request, an abandoned signing brought to its final state first (issue 9: never `pending` after expiry). */
export async function loadSettled(deps: StoreDeps, id: string): Promise<RequestRow> {
  const row = await loadRequest(deps, id);
  if (!isAbandoned(row, deps.now())) return row;
  await recoverRequests(deps, { now: deps.now(), ids: [id] });
  return loadRequest(deps, id);
}

/** Signing is `pending` to the outside while its lease runs (expiresAt covers it); an abandoned one is recovered on sight. */
export function viewStatus(row: RequestRow, now: number): SigningStatus {
  if (row.status === 'signing') return 'pending';
  if (row.status === 'pending' && now >= row.otpExpiresAt) return 'expired';
  return row.status;
}

/**
 * Tells GPKI Mobile that a request it showed has ended, after the commit and not awaited (an
 * unreachable phone never fails or slows a signature). Only a request whose OTP went by push was
 * ever on a phone: an e-mailed one costs nothing here.
 */
export function announceEnded(deps: Pick<SigningDeps, 'onRequestEnded'>, row: EndedRequest, outcome: RequestOutcome): void {
  const notify = deps.onRequestEnded;
  if (notify && row.channel === 'push') void Promise.resolve().then(() => notify(row.nric, row.id, outcome)).catch(() => undefined);
}

/** Failure marks and audit of one request still in status `from`, in one transaction. */
export async function markFailed(deps: StoreDeps, row: EndedRequest, from: RequestRow['status'], code: string, action: string, extra: Partial<RequestRow> = {}): Promise<void> {
  const { db, audit } = deps;
  const { signingRequests } = db.t;
  const { id } = row;
  const changed = await db.transaction(async () => {
    const failed = await db.orm
      .update(signingRequests)
      .set({ status: 'failed', failureCode: code, ...extra })
      .where(and(eq(signingRequests.id, id), eq(signingRequests.status, from)))
      .returning({ id: signingRequests.id });
    if (failed.length) await audit.append({ actor: 'system', action, subject: id, details: { code } });
    return failed.length > 0;
  });
  if (changed) announceEnded(deps, row, 'failed');
}

/**
 * The columns that start a completion's signing lease now (cluster/recoverRequests.ts): `signing` until
 * the lease runs out, and expiresAt never before it.
 */
export function signingLease(deps: Pick<SigningDeps, 'db' | 'now'>) {
  const { signingRequests } = deps.db.t;
  const until = deps.now() + SIGNING_LEASE_MS;
  return {
    status: 'signing' as const,
    signingUntil: until,
    otpExpiresAt: sql<number>`case when ${signingRequests.otpExpiresAt} > ${until} then ${signingRequests.otpExpiresAt} else ${until} end`,
  };
}

/**
 * Keeps the signing lease of request `id` alive while this completion signs (a third of the
 * lease, so one missed beat costs nothing); expiresAt moves with it, so a request signing is
 * never past its expiry. Returns the stop function.
 */
export function keepSigningLease(deps: Pick<SigningDeps, 'db' | 'now'>, id: string): () => void {
  const { db } = deps;
  const { signingRequests } = db.t;
  const renew = async () => {
    const { signingUntil, otpExpiresAt } = signingLease(deps);
    try {
      await db.orm
        .update(signingRequests)
        .set({ signingUntil, otpExpiresAt })
        .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'signing')));
    } catch {
      // The next beat tries again; a lease that runs out makes the commit refuse, never lie.
    }
  };
  const timer = setInterval(() => void renew(), SIGNING_LEASE_MS / 3);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Waits while other completions of the same request are in flight: one is signing, or every OTP
 * try is held by completions still checking theirs (a right OTP gives its try back at once).
 */
export async function awaitSigned(deps: StoreDeps, id: string): Promise<RequestRow> {
  const deadline = Date.now() + SIGNING_WAIT_MS;
  const busy = (r: RequestRow) => r.status === 'signing' || (r.status === 'pending' && r.otpAttempts >= OTP_MAX_ATTEMPTS);
  let row = await loadSettled(deps, id);
  while (busy(row) && Date.now() < deadline) {
    await sleep(SIGNING_POLL_MS);
    row = await loadSettled(deps, id);
  }
  return row;
}
