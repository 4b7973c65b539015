import type { ColumnKit } from './columnKit.js';

// Passkeys (issue 11): WebAuthn credentials as a signing factor and for portal sign-in.
// Times are Unix milliseconds (`ms`).
// Declared once for both dialects (columnKit.ts builds them; tables.ts gathers every area).

/** Passkeys, their challenges and policies, and what a passkey signature keeps. */
export function passkeyTables(k: ColumnKit) {
  const { table, text, ms, int64, json, bytes, index, primaryKey } = k;

  /** One registered WebAuthn credential of an officer or administrator. */
  const passkeys = table(
    'passkeys',
    {
      /** The credential id, base64url (what the authenticator hands back in every assertion). */
      credentialId: text('credential_id').primaryKey(),
      subjectType: text('subject_type', { enum: ['officer', 'admin'] }).notNull(),
      /** The officer's NRIC or the administrator's id. */
      subjectId: text('subject_id').notNull(),
      /** COSE public key as the authenticator gave it. */
      publicKey: bytes('public_key').notNull(),
      /** Last signature counter seen; a lower or equal one (when either is non-zero) suspends the credential. */
      counter: int64('counter').notNull().default(0),
      transports: json('transports').$type<string[]>().notNull(),
      name: text('name').notNull(),
      /** `singleDevice` (security key) or `multiDevice` (synced passkey). */
      deviceType: text('device_type').notNull(),
      status: text('status', { enum: ['active', 'suspended', 'revoked'] }).notNull().default('active'),
      statusReason: text('status_reason'),
      statusAt: ms('status_at'),
      createdAt: ms('created_at').notNull(),
      lastUsedAt: ms('last_used_at'),
    },
    (t) => [index('passkeys_subject').on(t.subjectType, t.subjectId)],
  );

  /**
   * A WebAuthn challenge waiting for its ceremony: server-random, single use (usedAt), short-lived.
   * A signing challenge also names its request and dies with it.
   */
  const passkeyChallenges = table(
    'passkey_challenges',
    {
      id: text('id').primaryKey(),
      purpose: text('purpose', { enum: ['register', 'sign', 'sign_in'] }).notNull(),
      subjectType: text('subject_type', { enum: ['officer', 'admin'] }),
      subjectId: text('subject_id'),
      requestId: text('request_id'),
      /** base64url, exactly as the browser echoes it in clientDataJSON. */
      challenge: text('challenge').notNull(),
      expiresAt: ms('expires_at').notNull(),
      usedAt: ms('used_at'),
      createdAt: ms('created_at').notNull(),
    },
    (t) => [index('passkey_challenges_request').on(t.requestId), index('passkey_challenges_challenge').on(t.challenge)],
  );

  /** Which second factor a system or an agency allows for signing; the stricter of the two applies. */
  const passkeyPolicies = table(
    'passkey_policies',
    {
      scope: text('scope', { enum: ['system', 'agency'] }).notNull(),
      scopeId: text('scope_id').notNull(),
      policy: text('policy', { enum: ['otp', 'otp-or-passkey', 'passkey-required'] }).notNull(),
      updatedBy: text('updated_by').notNull(),
      updatedAt: ms('updated_at').notNull(),
    },
    (t) => [primaryKey({ columns: [t.scope, t.scopeId] })],
  );

  /** What a passkey signature keeps with its request: the credential and the authenticator data it signed. */
  const signingPasskeys = table('signing_passkeys', {
    requestId: text('request_id').primaryKey(),
    credentialId: text('credential_id').notNull(),
    authenticatorData: bytes('authenticator_data').notNull(),
    counter: int64('counter').notNull(),
    usedAt: ms('used_at').notNull(),
  });

  return { passkeys, passkeyChallenges, passkeyPolicies, signingPasskeys };
}
