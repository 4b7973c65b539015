import { asc, eq } from 'drizzle-orm';
import { clients } from '../db/clientsSchema.js';
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

/** The registered clients (never their secret hashes), optionally of one system. */
export function listClients(deps: Pick<ClientDeps, 'db'>, options: { system?: string } = {}): ClientView[] {
  const query = deps.db.select().from(clients);
  const rows = (options.system === undefined ? query : query.where(eq(clients.system, options.system))).orderBy(asc(clients.createdAt)).all();
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
