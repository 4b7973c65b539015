import { RoamSignError } from '../../shared/errors.js';
import type { SpentBudget } from '../../shared/i18n/labels.js';
import type { Spent } from './takeHits.js';

/** Which kind of budget a bucket key belongs to (limits/callerBudgets.ts, enrolment/challenges.ts). */
function budgetOf(key: string): SpentBudget {
  if (key.startsWith('unsolicited:')) return 'unknown_caller';
  if (key.startsWith('address:')) return 'address';
  if (key.startsWith('password')) return 'password';
  return 'known_caller';
}

/**
 * The answer when a budget is spent: 429 with the wait, until when (ISO, shown in Malaysian time),
 * and which kind of budget it was (the message says why and what works meanwhile), the same
 * whoever the budget was for. A bare number is a wait with nothing more known.
 */
export function refuseSpent(spent: Spent | number, details: Record<string, unknown> = {}): RoamSignError {
  if (typeof spent === 'number') return new RoamSignError('rate_limited', { ...details, retryAfterSeconds: Math.ceil(spent / 1000) });
  return new RoamSignError('rate_limited', {
    ...details,
    budget: budgetOf(spent.key),
    limit: spent.limit,
    retryAfterSeconds: Math.ceil(spent.retryAfterMs / 1000),
    retryAt: new Date(spent.retryAt).toISOString(),
  });
}

/**
 * The Retry-After of a refusal (RFC 9110 §10.2.3), in seconds: every 429 carries one. The wait the
 * budget named, else an hour for an hourly limit, else a minute.
 */
export function retryAfterOf(error: RoamSignError): string | null {
  if (error.code !== 'rate_limited') return null;
  const seconds = error.details?.retryAfterSeconds;
  if (typeof seconds === 'number' && seconds > 0) return String(seconds);
  return error.details?.window === 'hour' ? '3600' : '60';
}
