import { bigint, customType, index, integer, json, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { StoredDocument } from './schema.js';

// The PostgreSQL twin of schema.ts + enrolmentSchema.ts (SQLite): same tables, columns and TypeScript
// types, so one data-access layer runs on both (db/database.ts). tests/server/db/schemaParity.test.ts
// keeps the two in step. Times are Unix milliseconds in bigint columns (JavaScript numbers).

const ms = (name: string) => bigint(name, { mode: 'number' });
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
// json, not jsonb: the text is kept as written, so the audit chain's hashes recompute byte for byte.

export const agencies = pgTable('agencies', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
});

export const systems = pgTable('systems', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  allowedOrigins: json('allowed_origins').$type<string[]>().notNull(),
});

export const officers = pgTable(
  'officers',
  {
    nric: text('nric').primaryKey(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    phone: text('phone'),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code),
    media: json('media').$type<('roaming' | 'token')[]>().notNull(),
    status: text('status', { enum: ['active', 'suspended', 'retired', 'closed'] }).notNull().default('active'),
    pinVerifier: text('pin_verifier'),
    pinFailures: integer('pin_failures').notNull().default(0),
    pinLockedAt: ms('pin_locked_at'),
    emailVerifiedAt: ms('email_verified_at'),
    officeAddress: text('office_address'),
    accountingOffice: text('accounting_office'),
    system: text('system'),
    lastActivityAt: ms('last_activity_at'),
    createdAt: ms('created_at').notNull(),
    importBatch: text('import_batch'),
  },
  (t) => [
    // Each ends with the MyKad number: the page's tie-break, so a page is read from the index alone.
    index('officers_agency_name').on(t.agencyCode, t.name, t.nric),
    index('officers_name').on(t.name, t.nric),
    index('officers_email').on(t.email, t.nric),
    index('officers_created').on(t.createdAt, t.nric),
    index('officers_status').on(t.status),
    index('officers_import_batch').on(t.importBatch),
    index('officers_pin_locked').on(t.pinLockedAt),
    index('officers_email_verified').on(t.emailVerifiedAt),
  ],
);

export const certificates = pgTable(
  'certificates',
  {
    serial: text('serial').primaryKey(),
    nric: text('nric')
      .notNull()
      .references(() => officers.nric),
    der: bytea('der').notNull(),
    keyRef: text('key_ref').notNull(),
    notBefore: ms('not_before').notNull(),
    notAfter: ms('not_after').notNull(),
    revokedAt: ms('revoked_at'),
    revocationReason: text('revocation_reason'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('certificates_nric').on(t.nric)],
);

export const vaultKeys = pgTable('vault_keys', {
  ref: text('ref').primaryKey(),
  label: text('label').notNull(),
  wrapped: bytea('wrapped').notNull(),
  createdAt: ms('created_at').notNull(),
});

export const caState = pgTable('ca_state', {
  id: integer('id').primaryKey(),
  certDer: bytea('cert_der').notNull(),
  keyRef: text('key_ref').notNull(),
  crlNumber: integer('crl_number').notNull().default(0),
  crlDer: bytea('crl_der'),
  crlNextUpdate: ms('crl_next_update'),
});

export const signingRequests = pgTable(
  'signing_requests',
  {
    id: text('id').primaryKey(),
    nric: text('nric')
      .notNull()
      .references(() => officers.nric),
    system: text('system')
      .notNull()
      .references(() => systems.id),
    origin: text('origin'),
    documents: json('documents').$type<StoredDocument[]>().notNull(),
    channel: text('channel', { enum: ['push', 'email'] }).notNull(),
    destination: text('destination').notNull(),
    verificationCode: text('verification_code').notNull(),
    status: text('status', { enum: ['pending', 'signing', 'signed', 'failed', 'cancelled'] }).notNull(),
    failureCode: text('failure_code'),
    otpHash: text('otp_hash'),
    consumedOtpHash: text('consumed_otp_hash'),
    otpExpiresAt: ms('otp_expires_at').notNull(),
    otpAttempts: integer('otp_attempts').notNull().default(0),
    otpSends: integer('otp_sends').notNull().default(1),
    lastOtpSentAt: ms('last_otp_sent_at').notNull(),
    createdAt: ms('created_at').notNull(),
    signedAt: ms('signed_at'),
    result: json('result'),
    callerKey: text('caller_key'),
    signingUntil: ms('signing_until'),
  },
  (t) => [
    index('signing_requests_nric_created_sends').on(t.nric, t.createdAt, t.otpSends),
    index('signing_requests_caller_pending').on(t.nric, t.callerKey, t.status),
    index('signing_requests_status_lease').on(t.status, t.signingUntil),
  ],
);

export const signatures = pgTable(
  'signatures',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    requestId: text('request_id')
      .notNull()
      .references(() => signingRequests.id),
    documentId: text('document_id').notNull(),
    digest: text('digest').notNull(),
    cms: bytea('cms').notNull(),
    certificateSerial: text('certificate_serial').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('signatures_request_document').on(t.requestId, t.documentId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    // Assigned by the writer under the chain lock (audit/auditLog.ts), never by a sequence: a sequence
    // hands out numbers in start order, the chain needs commit order.
    seq: integer('seq').primaryKey(),
    at: ms('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subject: text('subject'),
    details: json('details').$type<Record<string, unknown>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_log_subject').on(t.subject), index('audit_log_at').on(t.at), index('audit_log_actor').on(t.actor), index('audit_log_action').on(t.action)],
);

export const outbox = pgTable(
  'outbox',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    nric: text('nric'),
    address: text('address').notNull(),
    channel: text('channel', { enum: ['push', 'email'] }).notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    otp: text('otp'),
    requestId: text('request_id'),
    sentAt: ms('sent_at').notNull(),
  },
  // Newest first per recipient: the id in the index, as SQLite's rowid is in its own.
  (t) => [index('outbox_nric_id').on(t.nric, t.id), index('outbox_address_id').on(t.address, t.id)],
);

export const admins = pgTable('admins', {
  id: text('id').primaryKey(),
  nric: text('nric').notNull().unique(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  role: text('role', { enum: ['admin', 'sap', 'sa', 'ap'] }).notNull(),
  agencyCode: text('agency_code').references(() => agencies.code),
  passwordVerifier: text('password_verifier').notNull(),
  status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
  createdAt: ms('created_at').notNull(),
  mustChangePassword: integer('must_change_password').notNull().default(0),
});

export const adminPasswordLinks = pgTable('admin_password_links', {
  tokenHash: text('token_hash').primaryKey(),
  adminId: text('admin_id')
    .notNull()
    .references(() => admins.id),
  expiresAt: ms('expires_at').notNull(),
  usedAt: ms('used_at'),
  createdAt: ms('created_at').notNull(),
});

export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    subjectType: text('subject_type', { enum: ['officer', 'admin'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: ms('created_at').notNull(),
    lastSeenAt: ms('last_seen_at').notNull(),
    endedAt: ms('ended_at'),
  },
  (t) => [index('sessions_subject').on(t.subjectType, t.subjectId)],
);

export const challenges = pgTable('challenges', {
  id: text('id').primaryKey(),
  purpose: text('purpose', { enum: ['officer_sign_in', 'admin_sign_in', 'pin_reset', 'device_registration'] }).notNull(),
  subjectId: text('subject_id').notNull(),
  codeHash: text('code_hash').notNull(),
  attempts: integer('attempts').notNull().default(0),
  expiresAt: ms('expires_at').notNull(),
  consumedAt: ms('consumed_at'),
  payload: json('payload').$type<Record<string, unknown>>().notNull(),
  createdAt: ms('created_at').notNull(),
});

export const emailVerifications = pgTable('email_verifications', {
  tokenHash: text('token_hash').primaryKey(),
  nric: text('nric')
    .notNull()
    .references(() => officers.nric),
  email: text('email').notNull(),
  expiresAt: ms('expires_at').notNull(),
  usedAt: ms('used_at'),
  createdAt: ms('created_at').notNull(),
});

export const applications = pgTable(
  'applications',
  {
    id: text('id').primaryKey(),
    nric: text('nric')
      .notNull()
      .references(() => officers.nric),
    system: text('system').notNull(),
    officeAddress: text('office_address').notNull(),
    phone: text('phone').notNull(),
    pinVerifier: text('pin_verifier').notNull(),
    declaredAt: ms('declared_at').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: ms('decided_at'),
    reason: text('reason'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('applications_nric').on(t.nric)],
);

export const movements = pgTable(
  'movements',
  {
    id: text('id').primaryKey(),
    nric: text('nric')
      .notNull()
      .references(() => officers.nric),
    kind: text('kind', { enum: ['transfer', 'retirement', 'end_of_role'] }).notNull(),
    effectiveAt: ms('effective_at').notNull(),
    fromAgencyCode: text('from_agency_code').notNull(),
    toAgencyCode: text('to_agency_code'),
    recordedBy: text('recorded_by').notNull(),
    appliedAt: ms('applied_at'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('movements_due').on(t.appliedAt, t.effectiveAt), index('movements_officer').on(t.nric, t.effectiveAt)],
);

export const devices = pgTable(
  'devices',
  {
    id: text('id').primaryKey(),
    nric: text('nric')
      .notNull()
      .references(() => officers.nric),
    platform: text('platform', { enum: ['android', 'ios', 'web'] }).notNull(),
    label: text('label').notNull(),
    secretHash: text('secret_hash').notNull(),
    status: text('status', { enum: ['active', 'inactive'] }).notNull(),
    registeredAt: ms('registered_at').notNull(),
    deactivatedAt: ms('deactivated_at'),
  },
  (t) => [index('devices_nric').on(t.nric), uniqueIndex('devices_secret').on(t.secretHash)],
);

export const clusterSettings = pgTable('cluster_settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: ms('expires_at').notNull(),
});

export const clients = pgTable(
  'clients',
  {
    id: text('id').primaryKey(),
    system: text('system')
      .notNull()
      .references(() => systems.id),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: json('scopes').$type<string[]>().notNull(),
    createdAt: ms('created_at').notNull(),
    rotatedAt: ms('rotated_at'),
    revokedAt: ms('revoked_at'),
  },
  (t) => [index('clients_system').on(t.system)],
);

export const accessTokens = pgTable(
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

export const approvals = pgTable(
  'approvals',
  {
    id: text('id').primaryKey(),
    requestId: text('request_id')
      .notNull()
      .references(() => signingRequests.id),
    documentId: text('document_id').notNull(),
    nric: text('nric').notNull(),
    system: text('system').notNull(),
    clientId: text('client_id').notNull(),
    rule: text('rule').notNull(),
    digest: text('digest').notNull(),
    approvedAt: ms('approved_at').notNull(),
  },
  (t) => [uniqueIndex('approvals_request_document').on(t.requestId, t.documentId)],
);

export const limitHits = pgTable(
  'limit_hits',
  {
    id: text('id').primaryKey(),
    key: text('key').notNull(),
    at: ms('at').notNull(),
  },
  (t) => [index('limit_hits_key_at').on(t.key, t.at), index('limit_hits_at').on(t.at)],
);

export const trustedDevices = pgTable(
  'trusted_devices',
  {
    deviceHash: text('device_hash').notNull(),
    subject: text('subject').notNull(),
    createdAt: ms('created_at').notNull(),
    lastSuccessAt: ms('last_success_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceHash, t.subject] })],
);

// Passkeys (issue 11): the twin of passkeySchema.ts.
export const passkeys = pgTable(
  'passkeys',
  {
    credentialId: text('credential_id').primaryKey(),
    subjectType: text('subject_type', { enum: ['officer', 'admin'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    publicKey: bytea('public_key').notNull(),
    counter: ms('counter').notNull().default(0),
    transports: json('transports').$type<string[]>().notNull(),
    name: text('name').notNull(),
    deviceType: text('device_type').notNull(),
    status: text('status', { enum: ['active', 'suspended', 'revoked'] }).notNull().default('active'),
    statusReason: text('status_reason'),
    statusAt: ms('status_at'),
    createdAt: ms('created_at').notNull(),
    lastUsedAt: ms('last_used_at'),
  },
  (t) => [index('passkeys_subject').on(t.subjectType, t.subjectId)],
);

export const passkeyChallenges = pgTable(
  'passkey_challenges',
  {
    id: text('id').primaryKey(),
    purpose: text('purpose', { enum: ['register', 'sign', 'sign_in'] }).notNull(),
    subjectType: text('subject_type', { enum: ['officer', 'admin'] }),
    subjectId: text('subject_id'),
    requestId: text('request_id'),
    challenge: text('challenge').notNull(),
    expiresAt: ms('expires_at').notNull(),
    usedAt: ms('used_at'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('passkey_challenges_request').on(t.requestId), index('passkey_challenges_challenge').on(t.challenge)],
);

export const passkeyPolicies = pgTable(
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

export const signingPasskeys = pgTable('signing_passkeys', {
  requestId: text('request_id').primaryKey(),
  credentialId: text('credential_id').notNull(),
  authenticatorData: bytea('authenticator_data').notNull(),
  counter: ms('counter').notNull(),
  usedAt: ms('used_at').notNull(),
});
