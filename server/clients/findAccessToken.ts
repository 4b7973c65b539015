import { and, eq, gt, isNull } from 'drizzle-orm';
import type { ClientDeps } from './deps.js';
import { isDemoClient } from './demoClients.js';
import { hashSecret } from './secrets.js';
import type { Scope } from './scopes.js';

/** The registered system a Bearer token acts for. */
export interface SystemClient {
  clientId: string;
  system: string;
  scopes: Scope[];
}

/** The client behind a live (unexpired, unrevoked) access token, or null: read on every call, so a revocation on any node counts at once. */
export async function findAccessToken(deps: Pick<ClientDeps, 'db' | 'now' | 'config'>, token: string): Promise<SystemClient | null> {
  const { db } = deps;
  const { accessTokens, clients } = db.t;
  const [row] = await db.orm
    .select({ clientId: clients.id, system: clients.system, scopes: accessTokens.scopes })
    .from(accessTokens)
    .innerJoin(clients, eq(clients.id, accessTokens.clientId))
    .where(and(eq(accessTokens.tokenHash, hashSecret(token)), gt(accessTokens.expiresAt, deps.now()), isNull(clients.revokedAt)));
  if (!row) return null;
  if (isDemoClient(row.clientId) && !deps.config.sandbox) return null;
  return { clientId: row.clientId, system: row.system, scopes: row.scopes as Scope[] };
}
