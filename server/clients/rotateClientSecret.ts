import { and, eq, isNull } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { ClientDeps } from './deps.js';
import { isDemoClient } from './demoClients.js';
import { hashSecret, newSecret } from './secrets.js';

/**
 * Gives a client a new secret (shown once). The old secret stops working at once, and so do the
 * access tokens it obtained: rotation usually follows a suspected leak.
 */
export async function rotateClientSecret(
  deps: Pick<ClientDeps, 'db' | 'audit' | 'now'>,
  options: { clientId: string; actor: string },
): Promise<{ clientId: string; clientSecret: string }> {
  const { db, audit, now } = deps;
  const { accessTokens, clients } = db.t;
  const { clientId, actor } = options;
  if (isDemoClient(clientId)) throw new RoamSignError('forbidden', { reason: 'sandbox_client' });
  const clientSecret = newSecret('rs_cs');
  const changed = await db.transaction(async () => {
    const rows = await db.orm
      .update(clients)
      .set({ secretHash: hashSecret(clientSecret), rotatedAt: now() })
      .where(and(eq(clients.id, clientId), isNull(clients.revokedAt)))
      .returning({ id: clients.id });
    if (rows.length !== 1) return false;
    const killed = (await db.orm.delete(accessTokens).where(eq(accessTokens.clientId, clientId)).returning({ tokenHash: accessTokens.tokenHash })).length;
    await audit.append({ actor, action: 'client.rotated', subject: clientId, details: { tokensRevoked: killed } });
    return true;
  });
  if (!changed) throw new RoamSignError('not_found', { clientId });
  return { clientId, clientSecret };
}
