import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// Passkeys (issue 11): WebAuthn credentials as a signing factor and for portal sign-in.
// Times are Unix milliseconds.

/** One registered WebAuthn credential of an officer or administrator. */
export const passkeys = sqliteTable(
  'passkeys',
  {
    /** The credential id, base64url (what the authenticator hands back in every assertion). */
    credentialId: text('credential_id').primaryKey(),
    subjectType: text('subject_type', { enum: ['officer', 'admin'] }).notNull(),
    /** The officer's NRIC or the administrator's id. */
    subjectId: text('subject_id').notNull(),
    /** COSE public key as the authenticator gave it. */
    publicKey: blob('public_key', { mode: 'buffer' }).notNull(),
    /** Last signature counter seen; a lower or equal one (when either is non-zero) suspends the credential. */
    counter: integer('counter').notNull().default(0),
    transports: text('transports', { mode: 'json' }).$type<string[]>().notNull(),
    name: text('name').notNull(),
    /** `singleDevice` (security key) or `multiDevice` (synced passkey). */
    deviceType: text('device_type').notNull(),
    status: text('status', { enum: ['active', 'suspended', 'revoked'] }).notNull().default('active'),
    statusReason: text('status_reason'),
    statusAt: integer('status_at'),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [index('passkeys_subject').on(t.subjectType, t.subjectId)],
);

/**
 * A WebAuthn challenge waiting for its ceremony: server-random, single use (usedAt), short-lived.
 * A signing challenge also names its request and dies with it.
 */
export const passkeyChallenges = sqliteTable(
  'passkey_challenges',
  {
    id: text('id').primaryKey(),
    purpose: text('purpose', { enum: ['register', 'sign', 'sign_in'] }).notNull(),
    subjectType: text('subject_type', { enum: ['officer', 'admin'] }),
    subjectId: text('subject_id'),
    requestId: text('request_id'),
    /** base64url, exactly as the browser echoes it in clientDataJSON. */
    challenge: text('challenge').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('passkey_challenges_request').on(t.requestId), index('passkey_challenges_challenge').on(t.challenge)],
);

/** Which second factor a system or an agency allows for signing; the stricter of the two applies. */
export const passkeyPolicies = sqliteTable(
  'passkey_policies',
  {
    scope: text('scope', { enum: ['system', 'agency'] }).notNull(),
    scopeId: text('scope_id').notNull(),
    policy: text('policy', { enum: ['otp', 'otp-or-passkey', 'passkey-required'] }).notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.scopeId] })],
);

/** What a passkey signature keeps with its request: the credential and the authenticator data it signed. */
export const signingPasskeys = sqliteTable('signing_passkeys', {
  requestId: text('request_id').primaryKey(),
  credentialId: text('credential_id').notNull(),
  authenticatorData: blob('authenticator_data', { mode: 'buffer' }).notNull(),
  counter: integer('counter').notNull(),
  usedAt: integer('used_at').notNull(),
});
