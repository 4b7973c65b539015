import { and, eq, lt } from 'drizzle-orm';
import { tallyRefusal, type Tallied } from '../limits/refusalTally.js';
import { ACCESS_TOKEN_TTL_SECONDS, type ClientDeps } from './deps.js';
import { isDemoClient } from './demoClients.js';
import { hashSecret, newSecret, secretMatches } from './secrets.js';
import { parseScopes, type Scope } from './scopes.js';

export type TokenGrant =
  | { ok: true; accessToken: string; expiresIn: number; scopes: Scope[]; clientId: string; system: string }
  | { ok: false; error: 'invalid_client' | 'invalid_scope'; limited: boolean };

/** Client ids are ours (`<system>-<hex>`); anything else is only echoed, shortened, into the audit. */
const auditableId = (clientId: string) => clientId.replace(/[^\w.-]/g, '?').slice(0, 64);

/** Audits a refused token request (malformed, unknown client, wrong secret …); never the secret. */
export async function refuseTokenRequest(deps: ClientDeps, options: { clientId: string | null; error: string; reason: string; source?: string | null }): Promise<Tallied> {
  const entry = {
    actor: 'anonymous',
    action: 'token.refused',
    subject: options.clientId === null ? null : auditableId(options.clientId),
    details: { error: options.error, reason: options.reason },
  };
  // Counted per source and minute (issue 17): listed up to a bound, then one row with a count; past the limit, 429.
  return tallyRefusal(deps, {
    kind: 'token',
    source: options.source ?? 'unknown',
    entry,
    policy: { listedPerMinute: deps.config.refusalsListedPerMinute, limitPerMinute: deps.config.failedClientAuthPerMinute },
  });
}

/**
 * RFC 6749 §4.4 client credentials: checks the client's id and secret and, when they hold,
 * issues an opaque Bearer token for the requested scopes (default: all the client's scopes).
 * Every refusal is audited without the secret.
 */
export async function issueAccessToken(
  deps: ClientDeps,
  options: { clientId: string; clientSecret: string; scope?: string | undefined; source?: string | null },
): Promise<TokenGrant> {
  const { db, audit, now, config } = deps;
  const { accessTokens, clients } = db.t;
  const refuse = async (error: 'invalid_client' | 'invalid_scope', reason: string): Promise<TokenGrant> => {
    const tallied = await refuseTokenRequest(deps, { clientId: options.clientId, error, reason, source: options.source ?? null });
    return { ok: false, error, limited: tallied.limited };
  };

  const [client] = await db.orm.select().from(clients).where(eq(clients.id, options.clientId));
  // The secret is hashed even for an unknown client, so timing does not tell which ids exist.
  const secretOk = secretMatches(options.clientSecret, client?.secretHash ?? hashSecret('\0'));
  if (!client) return refuse('invalid_client', 'unknown_client');
  if (!secretOk) return refuse('invalid_client', 'wrong_secret');
  if (client.revokedAt !== null) return refuse('invalid_client', 'revoked');
  // API.md: the sandbox clients never work outside sandbox mode.
  if (isDemoClient(client.id) && !config.sandbox) return refuse('invalid_client', 'sandbox_client');

  const requested = options.scope === undefined ? (client.scopes as Scope[]) : parseScopes(options.scope);
  if (!requested || requested.length === 0 || !requested.every((s) => client.scopes.includes(s))) return refuse('invalid_scope', 'scope_not_granted');

  const accessToken = newSecret('rs_at');
  const at = now();
  await db.transaction(async () => {
    await db.orm.delete(accessTokens).where(and(eq(accessTokens.clientId, client.id), lt(accessTokens.expiresAt, at)));
    await db.orm
      .insert(accessTokens)
      .values({ tokenHash: hashSecret(accessToken), clientId: client.id, scopes: requested, expiresAt: at + ACCESS_TOKEN_TTL_SECONDS * 1000, createdAt: at });
    await audit.append({ actor: `client:${client.id}`, action: 'token.issued', subject: client.id, details: { scopes: requested } });
  });
  return { ok: true, accessToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS, scopes: requested, clientId: client.id, system: client.system };
}
