import { eq, inArray } from 'drizzle-orm';
import { SYSTEMS, type SystemId } from '../../shared/systems.js';
import { accessTokens, clients } from '../db/clientsSchema.js';
import type { ClientDeps } from './deps.js';
import { hashSecret } from './secrets.js';
import { SCOPES } from './scopes.js';

/** API.md "Caller authentication": one sandbox client per built-in system, secret `sandbox`. */
export const DEMO_CLIENT_SECRET = 'sandbox';
export const DEMO_CLIENT_IDS: readonly string[] = SYSTEMS.map((system) => `demo-${system}`);

export function isDemoClient(clientId: string): boolean {
  return DEMO_CLIENT_IDS.includes(clientId);
}

/** Sandbox mode: makes sure demo-igfmas, demo-eperolehan and demo-speks exist and work. */
export function ensureDemoClients(deps: Pick<ClientDeps, 'db' | 'audit' | 'now'>): void {
  const { db, audit, now } = deps;
  for (const system of SYSTEMS as readonly SystemId[]) {
    const id = `demo-${system}`;
    const row = db.select({ id: clients.id, revokedAt: clients.revokedAt }).from(clients).where(eq(clients.id, id)).get();
    if (row && row.revokedAt === null) continue;
    db.transaction(() => {
      if (row) db.delete(accessTokens).where(eq(accessTokens.clientId, id)).run();
      db.insert(clients)
        .values({ id, system, name: `Sandbox ${system}`, secretHash: hashSecret(DEMO_CLIENT_SECRET), scopes: [...SCOPES], createdAt: now() })
        .onConflictDoUpdate({ target: clients.id, set: { secretHash: hashSecret(DEMO_CLIENT_SECRET), revokedAt: null, rotatedAt: now() } })
        .run();
      audit.append({ actor: 'demo', action: 'client.created', subject: id, details: { system, sandbox: true } });
    });
  }
}

/** Outside sandbox mode the demo clients must not exist: removes them and their tokens. */
export function removeDemoClients(deps: Pick<ClientDeps, 'db' | 'audit'>): number {
  const { db, audit } = deps;
  const ids = [...DEMO_CLIENT_IDS];
  return db.transaction(() => {
    db.delete(accessTokens).where(inArray(accessTokens.clientId, ids)).run();
    const removed = db.delete(clients).where(inArray(clients.id, ids)).returning({ id: clients.id }).all();
    for (const { id } of removed) audit.append({ actor: 'system', action: 'client.removed', subject: id, details: { reason: 'sandbox_off' } });
    return removed.length;
  });
}
