import { and, asc, eq } from 'drizzle-orm';
import type { ClientDeps } from './deps.js';

export interface ClientView {
  clientId: string;
  system: string;
  name: string;
  scopes: string[];
  createdAt: string;
  rotatedAt: string | null;
  revokedAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The registered clients (never their secret hashes), optionally of one system or the one with an id. */
export async function listClients(deps: Pick<ClientDeps, 'db'>, options: { system?: string; clientId?: string } = {}): Promise<ClientView[]> {
  const { clients } = deps.db.t;
  const rows = await deps.db.orm
    .select()
    .from(clients)
    .where(and(options.system === undefined ? undefined : eq(clients.system, options.system), options.clientId === undefined ? undefined : eq(clients.id, options.clientId)))
    .orderBy(asc(clients.createdAt));
  return rows.map((r) => ({
    clientId: r.id,
    system: r.system,
    name: r.name,
    scopes: r.scopes,
    createdAt: new Date(r.createdAt).toISOString(),
    rotatedAt: iso(r.rotatedAt),
    revokedAt: iso(r.revokedAt),
  }));
}
