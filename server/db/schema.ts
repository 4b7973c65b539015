import type { ColumnKit } from './columnKit.js';

// The core tables, declared once for both dialects (columnKit.ts builds them; tables.ts gathers
// every area). Times are Unix milliseconds (`ms`) unless named otherwise.

export interface StoredDocument {
  id: string;
  digest: string;
  summary?: { title?: string; amount?: string; currency?: string; payee?: string };
}

/** Agencies, systems, officers and their certificates, the vault and CA, signing, the audit log, the outbox. */
export function coreTables(k: ColumnKit) {
  const { table, text, integer, ms, json, bytes, identity, chainKey, index, uniqueIndex } = k;

  const agencies = table('agencies', {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
  });

  /** The legacy systems and the browser origins allowed to request signatures for them. */
  const systems = table('systems', {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    allowedOrigins: json('allowed_origins').$type<string[]>().notNull(),
  });

  const officers = table(
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
      // `closed`: 60 days after service ended (no CHECK constraint in SQLite, so no migration is needed).
      status: text('status', { enum: ['active', 'suspended', 'retired', 'closed'] }).notNull().default('active'),
      /** scrypt verifier of the peppered PIN; null until the officer sets a PIN. */
      pinVerifier: text('pin_verifier'),
      /** Consecutive wrong PINs; reset by a right one. */
      pinFailures: integer('pin_failures').notNull().default(0),
      pinLockedAt: ms('pin_locked_at'),
      /** When the officer proved the e-mail address receives mail (the verification link). */
      emailVerifiedAt: ms('email_verified_at'),
      officeAddress: text('office_address'),
      /** Accounting office (pejabat perakaunan) from the registration template. */
      accountingOffice: text('accounting_office'),
      /** The legacy system the officer was registered for. */
      system: text('system'),
      /** Last sign-in or signature: 90 days without either suspends the officer. */
      lastActivityAt: ms('last_activity_at'),
      createdAt: ms('created_at').notNull(),
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

  const certificates = table(
    'certificates',
    {
      serial: text('serial').primaryKey(),
      nric: text('nric')
        .notNull()
        .references(() => officers.nric),
      der: bytes('der').notNull(),
      keyRef: text('key_ref').notNull(),
      notBefore: ms('not_before').notNull(),
      notAfter: ms('not_after').notNull(),
      revokedAt: ms('revoked_at'),
      revocationReason: text('revocation_reason'),
      createdAt: ms('created_at').notNull(),
      /** The CA generation (ca_state.id) that issued it: 1 until the first roll-over (issue 21). */
      caId: integer('ca_id').notNull().default(1),
    },
    (t) => [index('certificates_nric').on(t.nric)],
  );

  /** Private keys held by the software vault, AES-256-GCM wrapped. */
  const vaultKeys = table('vault_keys', {
    ref: text('ref').primaryKey(),
    label: text('label').notNull(),
    wrapped: bytes('wrapped').notNull(),
    createdAt: ms('created_at').notNull(),
  });

  /**
   * The issuing CA and its current CRL: one row per CA generation (id 1, then one more per
   * `ca-rollover`); the highest id issues, the older ones keep their CRL for their certificates.
   */
  const caState = table('ca_state', {
    id: integer('id').primaryKey(),
    certDer: bytes('cert_der').notNull(),
    keyRef: text('key_ref').notNull(),
    crlNumber: integer('crl_number').notNull().default(0),
    crlDer: bytes('crl_der'),
    crlNextUpdate: ms('crl_next_update'),
    /** Link certificates with the previous generation (RFC 4210 §4.4): old key certifies this CA's key, and this key certifies the old one. */
    linkFromPreviousDer: bytes('link_from_previous_der'),
    linkToPreviousDer: bytes('link_to_previous_der'),
  });

  const signingRequests = table(
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
      documents: json('documents').$type<StoredDocument[]>().notNull(),
      channel: text('channel', { enum: ['push', 'email'] }).notNull(),
      destination: text('destination').notNull(),
      verificationCode: text('verification_code').notNull(),
      status: text('status', { enum: ['pending', 'signing', 'signed', 'failed', 'cancelled'] }).notNull(),
      failureCode: text('failure_code'),
      /** Keyed hash of the live OTP; null once consumed or killed. */
      otpHash: text('otp_hash'),
      /** Keyed hash of the OTP that signed (lets an identical retry get the same answer). */
      consumedOtpHash: text('consumed_otp_hash'),
      otpExpiresAt: ms('otp_expires_at').notNull(),
      otpAttempts: integer('otp_attempts').notNull().default(0),
      otpSends: integer('otp_sends').notNull().default(1),
      lastOtpSentAt: ms('last_otp_sent_at').notNull(),
      createdAt: ms('created_at').notNull(),
      signedAt: ms('signed_at'),
      /** The complete answer, stored so a repeated complete returns the same body. */
      result: json('result'),
      /** Whose budget the request spent (limits/callerBudgets.ts): `client:<id>`, `device:<id>` or `unknown`. */
      callerKey: text('caller_key'),
      /** While `signing`: the lease of the completion that signs; past it, the request is recovered as failed. */
      signingUntil: ms('signing_until'),
    },
    // Covering for the hourly OTP-send count (nric, created_at -> sum of otp_sends): the count reads
    // no rows, whose documents JSON may span overflow pages before otp_sends.
    (t) => [
      index('signing_requests_nric_created_sends').on(t.nric, t.createdAt, t.otpSends),
      index('signing_requests_caller_pending').on(t.nric, t.callerKey, t.status),
      index('signing_requests_status_lease').on(t.status, t.signingUntil),
    ],
  );

  const signatures = table(
    'signatures',
    {
      id: identity('id'),
      requestId: text('request_id')
        .notNull()
        .references(() => signingRequests.id),
      documentId: text('document_id').notNull(),
      digest: text('digest').notNull(),
      cms: bytes('cms').notNull(),
      certificateSerial: text('certificate_serial').notNull(),
      createdAt: ms('created_at').notNull(),
    },
    (t) => [uniqueIndex('signatures_request_document').on(t.requestId, t.documentId)],
  );

  /** Append-only, HMAC-chained record of every state change. */
  const auditLog = table(
    'audit_log',
    {
      seq: chainKey('seq'),
      at: ms('at').notNull(),
      actor: text('actor').notNull(),
      action: text('action').notNull(),
      subject: text('subject'),
      details: json('details').$type<Record<string, unknown>>().notNull(),
      prevHash: text('prev_hash').notNull(),
      hash: text('hash').notNull(),
    },
    // The audit page: one officer's events, and filters by date, actor and action (issue 13).
    (t) => [index('audit_log_subject').on(t.subject), index('audit_log_at').on(t.at), index('audit_log_actor').on(t.actor), index('audit_log_action').on(t.action)],
  );

  /** Messages sent (sandbox mode keeps them for /api/v1/dev/outbox). */
  const outbox = table(
    'outbox',
    {
      id: identity('id'),
      nric: text('nric'),
      address: text('address').notNull(),
      channel: text('channel', { enum: ['push', 'email'] }).notNull(),
      subject: text('subject').notNull(),
      text: text('text').notNull(),
      otp: text('otp'),
      requestId: text('request_id'),
      sentAt: ms('sent_at').notNull(),
    },
    // Newest first per recipient: SQLite's rowid is in every index already; PostgreSQL names the id.
    (t) =>
      k.dialect === 'postgres'
        ? [index('outbox_nric_id').on(t.nric, t.id), index('outbox_address_id').on(t.address, t.id)]
        : [index('outbox_nric').on(t.nric), index('outbox_address').on(t.address)],
  );

  return { agencies, systems, officers, certificates, vaultKeys, caState, signingRequests, signatures, auditLog, outbox };
}

/** The core tables, as the other areas reference them. */
export type CoreTables = ReturnType<typeof coreTables>;
