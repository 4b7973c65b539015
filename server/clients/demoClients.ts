import { eq, inArray } from 'drizzle-orm';
import { SYSTEMS, type SystemId } from '../../shared/systems.js';
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
export async function ensureDemoClients(deps: Pick<ClientDeps, 'db' | 'audit' | 'now'>): Promise<void> {
  const { db, audit, now } = deps;
  const { accessTokens, clients } = db.t;
  for (const system of SYSTEMS as readonly SystemId[]) {
    const id = `demo-${system}`;
    const [row] = await db.orm.select({ id: clients.id, revokedAt: clients.revokedAt }).from(clients).where(eq(clients.id, id));
    if (row && row.revokedAt === null) continue;
    await db.transaction(async () => {
      if (row) await db.orm.delete(accessTokens).where(eq(accessTokens.clientId, id));
      await db.orm
        .insert(clients)
        .values({ id, system, name: `Sandbox ${system}`, secretHash: hashSecret(DEMO_CLIENT_SECRET), scopes: [...SCOPES], createdAt: now() })
        .onConflictDoUpdate({ target: clients.id, set: { secretHash: hashSecret(DEMO_CLIENT_SECRET), revokedAt: null, rotatedAt: now() } });
      await audit.append({ actor: 'demo', action: 'client.created', subject: id, details: { system, sandbox: true } });
    });
  }
}

/** Outside sandbox mode the demo clients must not exist: removes them and their tokens. */
export async function removeDemoClients(deps: Pick<ClientDeps, 'db' | 'audit'>): Promise<number> {
  const { db, audit } = deps;
  const { accessTokens, clients } = db.t;
  const ids = [...DEMO_CLIENT_IDS];
  return db.transaction(async () => {
    await db.orm.delete(accessTokens).where(inArray(accessTokens.clientId, ids));
    const removed = await db.orm.delete(clients).where(inArray(clients.id, ids)).returning({ id: clients.id });
    for (const { id } of removed) await audit.append({ actor: 'system', action: 'client.removed', subject: id, details: { reason: 'sandbox_off' } });
    return removed.length;
  });
}
