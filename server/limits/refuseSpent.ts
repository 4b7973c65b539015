import { RoamSignError } from '../../shared/errors.js';

/** The answer when a budget is spent: 429 with the wait, the same whoever the budget was for. */
export function refuseSpent(retryAfterMs: number, details: Record<string, unknown> = {}): RoamSignError {
  return new RoamSignError('rate_limited', { ...details, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) });
}
