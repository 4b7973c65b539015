import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are Unix milliseconds (integer) unless named otherwise.

export const agencies = sqliteTable('agencies', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
});

/** The legacy systems and the browser origins allowed to request signatures for them. */
export const systems = sqliteTable('systems', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  allowedOrigins: text('allowed_origins', { mode: 'json' }).$type<string[]>().notNull(),
});

export const officers = sqliteTable(
  'officers',
  {
    nric: text('nric').primaryKey(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    phone: text('phone'),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code),
    media: text('media', { mode: 'json' }).$type<('roaming' | 'token')[]>().notNull(),
    // `closed`: 60 days after service ended (no CHECK constraint in SQLite, so no migration is needed).
    status: text('status', { enum: ['active', 'suspended', 'retired', 'closed'] }).notNull().default('active'),
    /** scrypt verifier of the peppered PIN; null until the officer sets a PIN. */
    pinVerifier: text('pin_verifier'),
    /** Consecutive wrong PINs; reset by a right one. */
    pinFailures: integer('pin_failures').notNull().default(0),
    pinLockedAt: integer('pin_locked_at'),
    /** When the officer proved the e-mail address receives mail (the verification link). */
    emailVerifiedAt: integer('email_verified_at'),
    officeAddress: text('office_address'),
    /** Accounting office (pejabat perakaunan) from the registration template. */
    accountingOffice: text('accounting_office'),
    /** The legacy system the officer was registered for. */
    system: text('system'),
    /** Last sign-in or signature: 90 days without either suspends the officer. */
    lastActivityAt: integer('last_activity_at'),
    createdAt: integer('created_at').notNull(),
    /** The bulk import that last registered or updated the officer (the console's bulk re-send). */
    importBatch: text('import_batch'),
  },
  // The console searches, filters and sorts 100,000 officers (issue 13).
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

export const certificates = sqliteTable(
  'certificates',
  {
    serial: text('serial').primaryKey(),
    nric: text('nric')
      .notNull()
      .references(() => officers.nric),
    der: blob('der', { mode: 'buffer' }).notNull(),
    keyRef: text('key_ref').notNull(),
    notBefore: integer('not_before').notNull(),
    notAfter: integer('not_after').notNull(),
    revokedAt: integer('revoked_at'),
    revocationReason: text('revocation_reason'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('certificates_nric').on(t.nric)],
);

/** Private keys held by the software vault, AES-256-GCM wrapped. */
export const vaultKeys = sqliteTable('vault_keys', {
  ref: text('ref').primaryKey(),
  label: text('label').notNull(),
  wrapped: blob('wrapped', { mode: 'buffer' }).notNull(),
  createdAt: integer('created_at').notNull(),
});

/** The issuing CA (one row) and its current CRL. */
export const caState = sqliteTable('ca_state', {
  id: integer('id').primaryKey(),
  certDer: blob('cert_der', { mode: 'buffer' }).notNull(),
  keyRef: text('key_ref').notNull(),
  crlNumber: integer('crl_number').notNull().default(0),
  crlDer: blob('crl_der', { mode: 'buffer' }),
  crlNextUpdate: integer('crl_next_update'),
});

export interface StoredDocument {
  id: string;
  digest: string;
  summary?: { title?: string; amount?: string; currency?: string; payee?: string };
}

export const signingRequests = sqliteTable(
  'signing_requests',
  {
    id: text('id').primaryKey(),
    nric: text('nric')
      .notNull()
      .references(() => officers.nric),
    system: text('system')
      .notNull()
      .references(() => systems.id),
    /** The browser origin that asked (null for server-to-server calls). */
    origin: text('origin'),
    documents: text('documents', { mode: 'json' }).$type<StoredDocument[]>().notNull(),
    channel: text('channel', { enum: ['push', 'email'] }).notNull(),
    destination: text('destination').notNull(),
    verificationCode: text('verification_code').notNull(),
    status: text('status', { enum: ['pending', 'signing', 'signed', 'failed', 'cancelled'] }).notNull(),
    failureCode: text('failure_code'),
    /** Keyed hash of the live OTP; null once consumed or killed. */
    otpHash: text('otp_hash'),
    /** Keyed hash of the OTP that signed (lets an identical retry get the same answer). */
    consumedOtpHash: text('consumed_otp_hash'),
    otpExpiresAt: integer('otp_expires_at').notNull(),
    otpAttempts: integer('otp_attempts').notNull().default(0),
    otpSends: integer('otp_sends').notNull().default(1),
    lastOtpSentAt: integer('last_otp_sent_at').notNull(),
    createdAt: integer('created_at').notNull(),
    signedAt: integer('signed_at'),
    /** The complete answer, stored so a repeated complete returns the same body. */
    result: text('result', { mode: 'json' }),
    /** Whose budget the request spent (limits/callerBudgets.ts): `client:<id>`, `device:<id>` or `unknown`. */
    callerKey: text('caller_key'),
    /** While `signing`: the lease of the completion that signs; past it, the request is recovered as failed. */
    signingUntil: integer('signing_until'),
  },
  // Covering for the hourly OTP-send count (nric, created_at -> sum of otp_sends): the count reads
  // no rows, whose documents JSON may span overflow pages before otp_sends.
  (t) => [
    index('signing_requests_nric_created_sends').on(t.nric, t.createdAt, t.otpSends),
    index('signing_requests_caller_pending').on(t.nric, t.callerKey, t.status),
    index('signing_requests_status_lease').on(t.status, t.signingUntil),
  ],
);

export const signatures = sqliteTable(
  'signatures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: text('request_id')
      .notNull()
      .references(() => signingRequests.id),
    documentId: text('document_id').notNull(),
    digest: text('digest').notNull(),
    cms: blob('cms', { mode: 'buffer' }).notNull(),
    certificateSerial: text('certificate_serial').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('signatures_request_document').on(t.requestId, t.documentId)],
);

/** Append-only, HMAC-chained record of every state change. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subject: text('subject'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  // The audit page: one officer's events, and filters by date, actor and action (issue 13).
  (t) => [index('audit_log_subject').on(t.subject), index('audit_log_at').on(t.at), index('audit_log_actor').on(t.actor), index('audit_log_action').on(t.action)],
);

/** Messages sent (sandbox mode keeps them for /api/v1/dev/outbox). */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    nric: text('nric'),
    address: text('address').notNull(),
    channel: text('channel', { enum: ['push', 'email'] }).notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    otp: text('otp'),
    requestId: text('request_id'),
    sentAt: integer('sent_at').notNull(),
  },
  (t) => [index('outbox_nric').on(t.nric), index('outbox_address').on(t.address)],
);
