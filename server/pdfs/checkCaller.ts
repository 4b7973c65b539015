import { RoamSignError } from '../../shared/errors.js';
import type { SystemId } from '../../shared/systems.js';
import { allOriginsFor, isRegisteredSystem } from '../registry/systems.js';
import type { PdfCaller, PdfDeps } from './deps.js';

/**
 * A PDF belongs to one system, as a signing request does (API.md "Caller authentication"): a
 * system's token acts for its own system only, a browser only from an origin allowed for it.
 */
export async function checkCaller(deps: Pick<PdfDeps, 'db' | 'allowedOrigins'>, system: string, caller: PdfCaller): Promise<void> {
  if (!(await isRegisteredSystem(deps.db, system))) throw new RoamSignError('bad_request', { system: 'unknown system' });
  if (caller.client && caller.client.system !== system) throw new RoamSignError('forbidden', { reason: 'other_system', system });
  if (caller.origin !== null && !(await allOriginsFor(deps.db, system as SystemId, deps.allowedOrigins)).includes(caller.origin)) {
    throw new RoamSignError('origin_not_allowed', { system });
  }
}
