import { and, eq, isNull } from 'drizzle-orm';
import { accessTokens, clients } from '../db/clientsSchema.js';
import type { ClientDeps } from './deps.js';

/** Revokes a client: its secret and every access token it holds stop working at once. */
export function revokeClient(deps: Pick<ClientDeps, 'db' | 'audit' | 'now'>, options: { clientId: string; actor: string }): 'revoked' | 'already_revoked' | 'not_found' {
  const { db, audit, now } = deps;
  const { clientId, actor } = options;
  return db.transaction(() => {
    const row = db.select({ revokedAt: clients.revokedAt }).from(clients).where(eq(clients.id, clientId)).get();
    if (!row) return 'not_found';
    if (row.revokedAt !== null) return 'already_revoked';
    db.update(clients).set({ revokedAt: now() }).where(and(eq(clients.id, clientId), isNull(clients.revokedAt))).run();
    const killed = db.delete(accessTokens).where(eq(accessTokens.clientId, clientId)).run().changes;
    audit.append({ actor, action: 'client.revoked', subject: clientId, details: { tokensRevoked: killed } });
    return 'revoked';
  });
}
