import { RoamSignError } from '../../shared/errors.js';
import type { Caller } from './deps.js';

/** A browser may act on a request only from the origin that created it; a system's token only on its own system's. */
export function checkSameOrigin(row: { system: string; origin: string | null }, caller: Caller): void {
  if (caller.client && caller.client.system !== row.system) throw new RoamSignError('forbidden', { reason: 'other_system' });
  if (caller.origin !== null && caller.origin !== row.origin) throw new RoamSignError('origin_not_allowed');
}
