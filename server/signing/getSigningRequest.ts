import type { SigningRequestView } from '../../shared/schemas/signingRequest.js';
import { checkSameOrigin } from './checkSameOrigin.js';
import type { Caller, SigningDeps } from './deps.js';
import { loadRequest, loadSettled } from './requestStore.js';
import { requestView } from './requestViews.js';

/** A request as its caller may see it (an abandoned signing settled first). */
export async function getSigningRequest(deps: Pick<SigningDeps, 'db' | 'audit' | 'now' | 'onRequestEnded'>, id: string, caller: Caller): Promise<SigningRequestView> {
  checkSameOrigin(await loadRequest(deps, id), caller);
  const row = await loadSettled(deps, id);
  return requestView(row, deps.now());
}
