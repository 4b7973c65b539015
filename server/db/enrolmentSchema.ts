import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { agencies, officers } from './schema.js';

// Enrolment and lifecycle (portal, administrators, GPKI Mobile, staff movement).
// Times are Unix milliseconds.

/** Administrators: `admin` is national (no agency); `sap`, `sa`, `ap` act only within their agency. */
export const admins = sqliteTable('admins', {
  id: text('id').primaryKey(),
  nric: text('nric').notNull().unique(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  role: text('role', { enum: ['admin', 'sap', 'sa', 'ap'] }).notNull(),
  agencyCode: text('agency_code').references(() => agencies.code),
  /** scrypt verifier of the administrator's password (first factor; an e-mailed OTP is the second). */
  passwordVerifier: text('password_verifier').notNull(),
  status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
  createdAt: integer('created_at').notNull(),
  /** 1 until the administrator chooses their own password (first sign-in, or after a reset). */
  mustChangePassword: integer('must_change_password').notNull().default(0),
});

/** One-time links by which an administrator sets a password (a new account, or a reset by a higher role). */
export const adminPasswordLinks = sqliteTable('admin_password_links', {
  tokenHash: text('token_hash').primaryKey(),
  adminId: text('admin_id')
    .notNull()
    .references(() => admins.id),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
  createdAt: integer('created_at').notNull(),
});

/** Portal sessions (officers and administrators); the cookie holds the id, the table only its hash. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    subjectType: text('subject_type', { enum: ['officer', 'admin'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [index('sessions_subject').on(t.subjectType, t.subjectId)],
);

/** A sign-in (or PIN reset, or device registration) waiting for its e-mailed code. */
export const challenges = sqliteTable('challenges', {
  id: text('id').primaryKey(),
  purpose: text('purpose', { enum: ['officer_sign_in', 'admin_sign_in', 'pin_reset', 'device_registration'] }).notNull(),
  subjectId: text('subject_id').notNull(),
  codeHash: text('code_hash').notNull(),
  attempts: integer('attempts').notNull().default(0),
  expiresAt: integer('expires_at').notNull(),
  consumedAt: integer('consumed_at'),
  /** What the challenge carries to its completion (e.g. the device to register). */
  payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: integer('created_at').notNull(),
});

/** E-mail verification links: valid 24 hours, single use (DESIGN.md "Enrolment"). */
export const emailVerifications = sqliteTable('email_verifications', {
  tokenHash: text('token_hash').primaryKey(),
  nric: text('nric')
    .notNull()
    .references(() => officers.nric),
  email: text('email').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
  createdAt: integer('created_at').notNull(),
});

/** Roaming certificate applications, approved or rejected by an agency administrator. */
export const applications = sqliteTable(
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
    declaredAt: integer('declared_at').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    reason: text('reason'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('applications_nric').on(t.nric)],
);

/** Staff movement: from `effectiveAt` the officer cannot sign for the old agency / role. */
export const movements = sqliteTable(
  'movements',
  {
    id: text('id').primaryKey(),
    nric: text('nric')
      .notNull()
      .references(() => officers.nric),
    kind: text('kind', { enum: ['transfer', 'retirement', 'end_of_role'] }).notNull(),
    effectiveAt: integer('effective_at').notNull(),
    fromAgencyCode: text('from_agency_code').notNull(),
    toAgencyCode: text('to_agency_code'),
    recordedBy: text('recorded_by').notNull(),
    appliedAt: integer('applied_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('movements_due').on(t.appliedAt, t.effectiveAt), index('movements_officer').on(t.nric, t.effectiveAt)],
);

/** GPKI Mobile devices: one active per officer; a new registration deactivates the previous one. */
export const devices = sqliteTable(
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
    registeredAt: integer('registered_at').notNull(),
    deactivatedAt: integer('deactivated_at'),
  },
  (t) => [index('devices_nric').on(t.nric), uniqueIndex('devices_secret').on(t.secretHash)],
);
