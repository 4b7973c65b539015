import type { Db } from '../db/database.js';
import { refuseSpent } from '../limits/refuseSpent.js';
import { takeHits } from '../limits/takeHits.js';
import { answerTimeStampQuery, type TimeStampAnswer } from './answerTimeStampQuery.js';
import type { TimeStampAuthority } from './timeStampAuthority.js';

const MINUTE_MS = 60_000;

/**
 * POST /tsa for anyone (RFC 3161 §3.4): a budget of queries per source address per minute (a
 * spent budget is 429 rate_limited, like every public route), then the embedded TSA's answer.
 */
export async function serveTimeStampQuery(
  deps: { db: Db; tsa: TimeStampAuthority; now: () => number; queriesPerMinute: number },
  input: { query: Uint8Array; address: string | null },
): Promise<TimeStampAnswer> {
  const bucket = { key: `tsa:${input.address ?? 'unknown'}`, limit: deps.queriesPerMinute, windowMs: MINUTE_MS };
  const taken = await takeHits(deps.db, [bucket], deps.now());
  if (!taken.ok) throw refuseSpent(taken.retryAfterMs);
  return answerTimeStampQuery(deps.tsa, input.query);
}
