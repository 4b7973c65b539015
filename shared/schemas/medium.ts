import type { z } from 'zod';
import type { mediumAnswerSchema } from './users.js';

// Types only: the widget imports this module, and must not bundle zod.
export type MediumAnswer = z.infer<typeof mediumAnswerSchema>;

/**
 * Whether a click goes to the legacy token flow: only for an officer who holds a token and cannot
 * sign with Roaming now. A Roaming-only officer who may not sign (retired, suspended, certificate
 * revoked) gets the dialog and the server's refusal, never an unsigned approval.
 */
export function usesTokenFlow(medium: MediumAnswer): boolean {
  return medium.preferred !== 'roaming' && medium.media.includes('token');
}
