import type { ColumnKit } from './columnKit.js';
import type { CoreTables } from './schema.js';

// Caller authentication (API.md "Caller authentication (systems)") and the gate's approvals.
// Times are Unix milliseconds (`ms`).
// Declared once for both dialects (columnKit.ts builds them; tables.ts gathers every area).

/** OAuth 2.0 clients, their access tokens, and the approvals a gate let through. */
export function clientsTables(k: ColumnKit, { systems, signingRequests }: Pick<CoreTables, 'systems' | 'signingRequests'>) {
  const { table, text, ms, json, index, uniqueIndex } = k;

  /** A registered system's OAuth 2.0 client (RFC 6749 client credentials). */
  const clients = table(
    'clients',
    {
      id: text('id').primaryKey(),
      system: text('system')
        .notNull()
        .references(() => systems.id),
      name: text('name').notNull(),
      /** SHA-256 of the client secret (hex): the secret itself is shown once and never stored. */
      secretHash: text('secret_hash').notNull(),
      /** The scopes this client may ask for (space-separated in the token request). */
      scopes: json('scopes').$type<string[]>().notNull(),
      createdAt: ms('created_at').notNull(),
      rotatedAt: ms('rotated_at'),
      revokedAt: ms('revoked_at'),
    },
    (t) => [index('clients_system').on(t.system)],
  );

  /** Bearer access tokens: opaque, random, stored only as their SHA-256 (hex). */
  const accessTokens = table(
    'access_tokens',
    {
      tokenHash: text('token_hash').primaryKey(),
      clientId: text('client_id')
        .notNull()
        .references(() => clients.id),
      scopes: json('scopes').$type<string[]>().notNull(),
      expiresAt: ms('expires_at').notNull(),
      createdAt: ms('created_at').notNull(),
    },
    (t) => [index('access_tokens_client').on(t.clientId)],
  );

  /** Approvals a gate let through: one per signed document of a signing request (no replay). */
  const approvals = table(
    'approvals',
    {
      id: text('id').primaryKey(),
      requestId: text('request_id')
        .notNull()
        .references(() => signingRequests.id),
      documentId: text('document_id').notNull(),
      nric: text('nric').notNull(),
      system: text('system').notNull(),
      /** The gate's client (no foreign key: sandbox demo clients are removed outside sandbox mode, their approvals stay). */
      clientId: text('client_id').notNull(),
      /** The gate rule that asked (for the audit and the operator). */
      rule: text('rule').notNull(),
      digest: text('digest').notNull(),
      approvedAt: ms('approved_at').notNull(),
    },
    (t) => [uniqueIndex('approvals_request_document').on(t.requestId, t.documentId)],
  );

  return { clients, accessTokens, approvals };
}
