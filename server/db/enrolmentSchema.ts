import type { ColumnKit } from './columnKit.js';
import type { CoreTables } from './schema.js';

// Enrolment and lifecycle (portal, administrators, GPKI Mobile, staff movement).
// Times are Unix milliseconds (`ms`).
// Declared once for both dialects (columnKit.ts builds them; tables.ts gathers every area).

/** Administrators, portal sessions and challenges, e-mail verification, applications, staff movements, GPKI Mobile devices. */
export function enrolmentTables(k: ColumnKit, { agencies, officers }: Pick<CoreTables, 'agencies' | 'officers'>) {
  const { table, text, integer, ms, json, index, uniqueIndex } = k;

  /** Administrators: `admin` is national (no agency); `sap`, `sa`, `ap` act only within their agency. */
  const admins = table('admins', {
    id: text('id').primaryKey(),
    nric: text('nric').notNull().unique(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    role: text('role', { enum: ['admin', 'sap', 'sa', 'ap'] }).notNull(),
    agencyCode: text('agency_code').references(() => agencies.code),
    /** scrypt verifier of the administrator's password (first factor; an e-mailed OTP is the second). */
    passwordVerifier: text('password_verifier').notNull(),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    createdAt: ms('created_at').notNull(),
    /** 1 until the administrator chooses their own password (first sign-in, or after a reset). */
    mustChangePassword: integer('must_change_password').notNull().default(0),
  });

  /** One-time links by which an administrator sets a password (a new account, or a reset by a higher role). */
  const adminPasswordLinks = table('admin_password_links', {
    tokenHash: text('token_hash').primaryKey(),
    adminId: text('admin_id')
      .notNull()
      .references(() => admins.id),
    expiresAt: ms('expires_at').notNull(),
    usedAt: ms('used_at'),
    createdAt: ms('created_at').notNull(),
  });

  /** Portal sessions (officers and administrators); the cookie holds the id, the table only its hash. */
  const sessions = table(
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

  /** A sign-in (or PIN reset, or device registration) waiting for its e-mailed code. */
  const challenges = table('challenges', {
    id: text('id').primaryKey(),
    purpose: text('purpose', { enum: ['officer_sign_in', 'admin_sign_in', 'pin_reset', 'device_registration'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: ms('expires_at').notNull(),
    consumedAt: ms('consumed_at'),
    /** What the challenge carries to its completion (e.g. the device to register). */
    payload: json('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: ms('created_at').notNull(),
  });

  /** E-mail verification links: valid 24 hours, single use (DESIGN.md "Enrolment"). */
  const emailVerifications = table('email_verifications', {
    tokenHash: text('token_hash').primaryKey(),
    nric: text('nric')
      .notNull()
      .references(() => officers.nric),
    email: text('email').notNull(),
    expiresAt: ms('expires_at').notNull(),
    usedAt: ms('used_at'),
    createdAt: ms('created_at').notNull(),
  });

  /** Roaming certificate applications, approved or rejected by an agency administrator. */
  const applications = table(
    'applications',
    {
      id: text('id').primaryKey(),
      nric: text('nric')
        .notNull()
        .references(() => officers.nric),
      system: text('system').notNull(),
      officeAddress: text('office_address').notNull(),
      phone: text('phone').notNull(),
      /** The PIN chosen at application, as a verifier only; it becomes the officer's on approval. */
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

  /** Staff movement: from `effectiveAt` the officer cannot sign for the old agency / role. */
  const movements = table(
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

  /** GPKI Mobile devices: one active per officer; a new registration deactivates the previous one. */
  const devices = table(
    'devices',
    {
      id: text('id').primaryKey(),
      nric: text('nric')
        .notNull()
        .references(() => officers.nric),
      platform: text('platform', { enum: ['android', 'ios', 'web'] }).notNull(),
      label: text('label').notNull(),
      /** Hash of the device's bearer secret (the app keeps the secret). */
      secretHash: text('secret_hash').notNull(),
      status: text('status', { enum: ['active', 'inactive'] }).notNull(),
      registeredAt: ms('registered_at').notNull(),
      deactivatedAt: ms('deactivated_at'),
    },
    (t) => [index('devices_nric').on(t.nric), uniqueIndex('devices_secret').on(t.secretHash)],
  );

  return { admins, adminPasswordLinks, sessions, challenges, emailVerifications, applications, movements, devices };
}
