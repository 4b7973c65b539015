import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { ClientDeps } from './deps.js';
import { hashSecret, newSecret } from './secrets.js';
import { SCOPES, type Scope } from './scopes.js';

export interface NewClient {
  clientId: string;
  /** Shown once: only its hash is stored. */
  clientSecret: string;
  system: string;
  name: string;
  scopes: Scope[];
}

/**
 * Registers a new OAuth 2.0 client for a system (API.md "Caller authentication"). The secret is
 * returned once and stored only as a hash.
 */
export async function createClient(
  deps: Pick<ClientDeps, 'db' | 'audit' | 'now'>,
  options: { system: string; name?: string; scopes?: Scope[]; actor: string },
): Promise<NewClient> {
  const { db, audit, now } = deps;
  const { clients, systems } = db.t;
  const { system, actor } = options;
  const scopes = [...new Set(options.scopes ?? SCOPES)];
  if (scopes.length === 0) throw new RoamSignError('bad_request', { scopes: 'at least one scope' });
  if (!(await db.orm.select({ id: systems.id }).from(systems).where(eq(systems.id, system))).length) {
    throw new RoamSignError('not_found', { system });
  }
  const name = (options.name ?? system).replace(/\s+/g, ' ').trim().slice(0, 120) || system;
  const clientId = `${system}-${crypto.randomBytes(6).toString('hex')}`;
  const clientSecret = newSecret('rs_cs');
  await db.transaction(async () => {
    await db.orm.insert(clients).values({ id: clientId, system, name, secretHash: hashSecret(clientSecret), scopes, createdAt: now() });
    await audit.append({ actor, action: 'client.created', subject: clientId, details: { system, name, scopes } });
  });
  return { clientId, clientSecret, system, name, scopes };
}
