import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { perConnection } from '../db/client.js';
import { accessTokens, clients } from '../db/clientsSchema.js';
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

// Read on every system call: prepared once per connection.
const queries = perConnection((db) => ({
  live: db
    .select({ clientId: clients.id, system: clients.system, scopes: accessTokens.scopes })
    .from(accessTokens)
    .innerJoin(clients, eq(clients.id, accessTokens.clientId))
    .where(and(eq(accessTokens.tokenHash, sql.placeholder('hash')), gt(accessTokens.expiresAt, sql.placeholder('now')), isNull(clients.revokedAt)))
    .prepare(),
}));

/** The client behind a live (unexpired, unrevoked) access token, or null. */
export function findAccessToken(deps: Pick<ClientDeps, 'db' | 'now' | 'config'>, token: string): SystemClient | null {
  const row = queries(deps.db).live.get({ hash: hashSecret(token), now: deps.now() });
  if (!row) return null;
  if (isDemoClient(row.clientId) && !deps.config.sandbox) return null;
  return { clientId: row.clientId, system: row.system, scopes: row.scopes as Scope[] };
}
