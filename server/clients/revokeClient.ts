import { and, eq, isNull } from 'drizzle-orm';
import type { ClientDeps } from './deps.js';

/** Revokes a client: its secret and every access token it holds stop working at once. */
export async function revokeClient(
  deps: Pick<ClientDeps, 'db' | 'audit' | 'now'>,
  options: { clientId: string; actor: string },
): Promise<'revoked' | 'already_revoked' | 'not_found'> {
  const { db, audit, now } = deps;
  const { accessTokens, clients } = db.t;
  const { clientId, actor } = options;
  return db.transaction(async () => {
    const [row] = await db.orm.select({ revokedAt: clients.revokedAt }).from(clients).where(eq(clients.id, clientId));
    if (!row) return 'not_found' as const;
    if (row.revokedAt !== null) return 'already_revoked' as const;
    await db.orm.update(clients).set({ revokedAt: now() }).where(and(eq(clients.id, clientId), isNull(clients.revokedAt)));
    const killed = (await db.orm.delete(accessTokens).where(eq(accessTokens.clientId, clientId)).returning({ tokenHash: accessTokens.tokenHash })).length;
    await audit.append({ actor, action: 'client.revoked', subject: clientId, details: { tokensRevoked: killed } });
    return 'revoked' as const;
  });
}
