import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { signingRequests, systems } from './schema.js';

// Caller authentication (API.md "Caller authentication (systems)") and the gate's approvals.
// Times are Unix milliseconds.

/** A registered system's OAuth 2.0 client (RFC 6749 client credentials). */
export const clients = sqliteTable(
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
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: integer('created_at').notNull(),
    rotatedAt: integer('rotated_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('clients_system').on(t.system)],
);

/** Bearer access tokens: opaque, random, stored only as their SHA-256 (hex). */
export const accessTokens = sqliteTable(
  'access_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id),
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('access_tokens_client').on(t.clientId)],
);

/** Approvals a gate let through: one per signed document of a signing request (no replay). */
export const approvals = sqliteTable(
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
    approvedAt: integer('approved_at').notNull(),
  },
  (t) => [uniqueIndex('approvals_request_document').on(t.requestId, t.documentId)],
);
