import crypto from 'node:crypto';
import { and, asc, count, desc, eq, isNull, or, sql } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { SYSTEMS } from '../../shared/systems.js';
import type { RevocationReason } from '../ca/certificateAuthority.js';
import type { Tables } from '../db/database.js';
import { passwordBuckets } from '../limits/callerBudgets.js';
import { activePasskeys } from '../passkeys/passkeyStore.js';
import { classifyCaller } from '../limits/classifyCaller.js';
import { giveBackHits } from '../limits/giveBackHits.js';
import { refuseSpent } from '../limits/refuseSpent.js';
import { UNKNOWN_REQUESTER, type Requester } from '../limits/requester.js';
import { takeHits } from '../limits/takeHits.js';
import { findOfficer, type Officer } from '../registry/officers.js';
import type { PortalDeps } from './deps.js';
import { sendBilingual } from '../notify/sendBilingual.js';
import { CODE_TTL_MS, sendCode } from './mail.js';
import { EMAIL_RE, normalisePhone, PHONE_RE, refuse, type Application } from './officerPortal.js';
import { generatePassword, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords.js';
import { issueVerification } from './verification.js';

export type AdminRow = Tables['admins']['$inferSelect'];
export type AdminRole = AdminRow['role'];

/**
 * Who acts: an administrator, or the ops CLI. `agencyCode` null means national scope; a scoped
 * role (sap, sa, ap) acts only on officers of its own agency.
 */
export interface Actor {
  label: string;
  agencyCode: string | null;
}

export function actorOf(admin: AdminRow): Actor {
  return { label: `admin:${admin.id}`, agencyCode: admin.role === 'admin' ? null : admin.agencyCode };
}

export const CLI_ACTOR: Actor = { label: 'cli', agencyCode: null };

/** The core of scoping: any action on an officer of another agency is forbidden. */
export function assertScope(actor: Actor, agencyCode: string): void {
  if (actor.agencyCode !== null && actor.agencyCode !== agencyCode) throw new RoamSignError('forbidden', { reason: 'agency_outside_scope' });
}

/** The officer, if the actor may act on them (404 when unknown, 403 when outside the scope). */
export async function officerInScope(deps: PortalDeps, actor: Actor, nric: string): Promise<Officer> {
  const officer = await findOfficer(deps.db, nric);
  if (!officer) throw new RoamSignError('user_not_found');
  assertScope(actor, officer.agencyCode);
  return officer;
}

export const NRIC_RE = /^\d{12}$/;

/** A MyKad number: 12 digits (dashes removed) starting with a real YYMMDD birth date. */
export function normaliseNric(value: string): string | null {
  const nric = value.trim().replace(/-/g, '');
  if (!NRIC_RE.test(nric)) return null;
  const month = Number(nric.slice(2, 4));
  const day = Number(nric.slice(4, 6));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? nric : null;
}

// ---- administrators --------------------------------------------------------------------------

export interface NewAdmin {
  nric: string;
  name: string;
  email: string;
  role: AdminRole;
  agencyCode: string | null;
  password?: string;
  /** The password was shown to someone (the CLI prints it): the administrator must choose their own at first sign-in. */
  mustChangePassword?: boolean;
}

/** Creates an administrator; returns the password (generated when none was given) to show once. */
export async function createAdmin(deps: PortalDeps, input: NewAdmin, actor: string): Promise<{ id: string; password: string }> {
  const { db } = deps;
  const { admins, agencies } = db.t;
  const nric = normaliseNric(input.nric);
  if (!nric) throw refuse('bad_nric');
  const email = input.email.trim().toLowerCase();
  if (!EMAIL_RE.test(email)) throw refuse('bad_email');
  if (!input.name.trim()) throw refuse('missing_name');
  if (input.role === 'admin' ? input.agencyCode !== null : !input.agencyCode) throw refuse('bad_role_agency');
  if (input.agencyCode && !(await db.orm.select({ code: agencies.code }).from(agencies).where(eq(agencies.code, input.agencyCode))).length) throw refuse('unknown_agency');
  if ((await db.orm.select({ id: admins.id }).from(admins).where(eq(admins.nric, nric))).length) throw refuse('admin_exists');
  const password = input.password ?? generatePassword();
  if (password.length < PASSWORD_MIN_LENGTH) throw refuse('weak_password');
  const passwordVerifier = await hashPassword(password);
  const id = `adm_${crypto.randomBytes(9).toString('base64url')}`;
  await db.transaction(async () => {
    await db.orm
      .insert(admins)
      .values({ id, nric, name: input.name.trim(), email, role: input.role, agencyCode: input.agencyCode, passwordVerifier, createdAt: deps.now(), mustChangePassword: input.mustChangePassword ? 1 : 0 })
      .onConflictDoNothing();
    await deps.audit.append({ actor, action: 'admin.created', subject: id, details: { nric, role: input.role, agencyCode: input.agencyCode } });
  });
  return { id, password };
}

export async function findAdmin(deps: Pick<PortalDeps, 'db'>, id: string): Promise<AdminRow | undefined> {
  const { admins } = deps.db.t;
  const [row] = await deps.db.orm.select().from(admins).where(eq(admins.id, id));
  return row;
}

/** The administrator with a MyKad number (dashes allowed), if any. */
export async function findAdminByNric(deps: Pick<PortalDeps, 'db'>, nric: string): Promise<AdminRow | undefined> {
  const normal = normaliseNric(nric);
  if (!normal) return undefined;
  const { admins } = deps.db.t;
  const [row] = await deps.db.orm.select().from(admins).where(eq(admins.nric, normal));
  return row;
}

// A verifier to check against when the nric is unknown, so both answers take as long.
let dummyVerifier: Promise<string> | null = null;

/**
 * Factor one: nric + password; then a code goes to the administrator's e-mail (factor two).
 * Each try is counted before the password is checked (issue 9, lock-outs atomic: however many
 * arrive at once, at most 5 wrong ones are ever checked in 15 minutes per caller) and per caller
 * (OWASP device cookie: a browser that signed in as this administrator before keeps its own 5
 * while unknown sources share theirs), for any MyKad number typed, so the answer tells nobody
 * whether an administrator exists. A right password gives its try back.
 */
/** The password step; `passkey`: the administrator has a live passkey, so the code page may offer it. */
export async function startAdminSignIn(deps: PortalDeps, nric: string, password: string, requester: Requester = UNKNOWN_REQUESTER): Promise<{ challengeId: string; passkey: boolean }> {
  const { db } = deps;
  const { admins } = db.t;
  const typed = nric.replace(/-/g, '');
  const counted = NRIC_RE.test(typed) ? typed : 'malformed';
  const caller = await classifyCaller(db, { requester, subject: `admin:${counted}`, now: deps.now() });
  const taken = await takeHits(db, passwordBuckets(counted, caller), deps.now());
  if (!taken.ok) throw refuseSpent(taken, { reason: 'too_many_failures' });
  const [admin] = await db.orm.select().from(admins).where(eq(admins.nric, typed));
  dummyVerifier ??= hashPassword(generatePassword());
  const ok = await verifyPassword(password, admin?.passwordVerifier ?? (await dummyVerifier));
  if (!admin || !ok || admin.status !== 'active') {
    await deps.audit.append({ actor: 'portal', action: 'admin.sign_in_failed', subject: admin?.id ?? null, details: {} });
    throw new RoamSignError('unauthorized', { reason: 'bad_credentials' });
  }
  await giveBackHits(db, taken.ids);
  const { id, code } = await deps.challenges.create('admin_sign_in', admin.id, CODE_TTL_MS, {});
  await sendCode(deps, { nric: admin.nric, email: admin.email }, code, { ms: 'log masuk pentadbir', en: 'administrator sign-in' });
  return { challengeId: id, passkey: (await activePasskeys(db, { type: 'admin', id: admin.id })).length > 0 };
}

export async function completeAdminSignIn(deps: PortalDeps, challengeId: string, code: string): Promise<AdminRow> {
  const { subjectId } = await deps.challenges.consume(challengeId, 'admin_sign_in', code);
  const admin = await findAdmin(deps, subjectId);
  if (!admin || admin.status !== 'active') throw new RoamSignError('forbidden');
  await deps.audit.append({ actor: `admin:${admin.id}`, action: 'portal.signed_in', subject: admin.id, details: {} });
  return admin;
}

// ---- registering officers --------------------------------------------------------------------

export interface RegisterInput {
  nric: string;
  name: string;
  email: string;
  agencyCode: string;
  accountingOffice: string;
  system: string;
  phone?: string;
  /** The bulk import this registration belongs to (csvImport.ts). */
  importBatch?: string;
}

/** Why a registration was refused: the CSV report's reasons. */
export type RejectReason =
  | 'bad_nric'
  | 'missing_name'
  | 'bad_email'
  | 'bad_phone'
  | 'unknown_agency'
  | 'agency_outside_scope'
  | 'unknown_system'
  | 'officer_in_other_agency'
  | 'duplicate_in_file';

export type RegisterOutcome = { status: 'created' | 'updated'; nric: string } | { status: 'rejected'; nric: string; reason: RejectReason };

/** Checks a registration without changing anything; the CSV import reports the reason per row. */
export async function checkRegistration(deps: PortalDeps, actor: Actor, input: RegisterInput): Promise<RegisterOutcome & { normalised?: RegisterInput }> {
  const { agencies } = deps.db.t;
  const nric = normaliseNric(input.nric);
  const raw = input.nric.trim();
  if (!nric) return { status: 'rejected', nric: raw, reason: 'bad_nric' };
  const reject = (reason: RejectReason): RegisterOutcome => ({ status: 'rejected', nric, reason });
  const name = input.name.trim();
  if (!name || name.length > 200) return reject('missing_name');
  const email = input.email.trim().toLowerCase();
  if (!EMAIL_RE.test(email) || email.length > 254) return reject('bad_email');
  const phone = input.phone ? normalisePhone(input.phone) : '';
  if (phone && !PHONE_RE.test(phone)) return reject('bad_phone');
  const agencyCode = input.agencyCode.trim();
  if (!(await deps.db.orm.select({ code: agencies.code }).from(agencies).where(eq(agencies.code, agencyCode))).length) return reject('unknown_agency');
  if (actor.agencyCode !== null && actor.agencyCode !== agencyCode) return reject('agency_outside_scope');
  const system = input.system.trim().toLowerCase();
  if (!(SYSTEMS as readonly string[]).includes(system)) return reject('unknown_system');
  const existing = await findOfficer(deps.db, nric);
  if (existing && existing.agencyCode !== agencyCode) {
    // A transfer is a staff movement, not a registration; outside the scope it is simply forbidden.
    return reject(actor.agencyCode !== null ? 'agency_outside_scope' : 'officer_in_other_agency');
  }
  return {
    status: existing ? 'updated' : 'created',
    nric,
    normalised: { nric, name, email, agencyCode, accountingOffice: input.accountingOffice.trim(), system, ...(phone ? { phone } : {}), ...(input.importBatch ? { importBatch: input.importBatch } : {}) },
  };
}

/**
 * Registers a new officer with the roaming medium, or adds roaming to an existing (token) officer,
 * and e-mails the verification link when the address is not verified yet (or is a new one).
 */
export async function registerOfficer(deps: PortalDeps, actor: Actor, input: RegisterInput): Promise<RegisterOutcome> {
  const { db, now } = deps;
  const { officers } = db.t;
  const checked = await checkRegistration(deps, actor, input);
  if (checked.status === 'rejected' || !checked.normalised) return checked;
  const v = checked.normalised;
  const existing = await findOfficer(db, v.nric);
  let sendTo: string | null = null;
  await db.transaction(async () => {
    if (!existing) {
      await db.orm
        .insert(officers)
        .values({ nric: v.nric, name: v.name, email: v.email, phone: v.phone ?? null, agencyCode: v.agencyCode, media: ['roaming'], accountingOffice: v.accountingOffice || null, system: v.system, createdAt: now(), importBatch: v.importBatch ?? null });
      await deps.audit.append({ actor: actor.label, action: 'officer.registered', subject: v.nric, details: { media: ['roaming'], agencyCode: v.agencyCode, system: v.system } });
      sendTo = v.email;
    } else {
      const media = existing.media.includes('roaming') ? existing.media : [...existing.media, 'roaming' as const];
      await db.orm
        .update(officers)
        .set({ name: v.name, media, accountingOffice: v.accountingOffice || existing.accountingOffice, system: v.system, ...(v.phone ? { phone: v.phone } : {}), ...(v.importBatch ? { importBatch: v.importBatch } : {}) })
        .where(eq(officers.nric, v.nric));
      await deps.audit.append({ actor: actor.label, action: 'officer.updated', subject: v.nric, details: { media, system: v.system } });
      // The registered address stays until a different one is verified.
      if (existing.emailVerifiedAt === null || v.email !== existing.email) sendTo = v.email;
    }
  });
  if (sendTo) await issueVerification(deps, v.nric, sendTo, actor.label);
  return { status: checked.status, nric: v.nric };
}

/** Re-sends the verification link: to the address waiting for verification, else the registered one. */
export async function resendVerification(deps: PortalDeps, actor: Actor, nric: string): Promise<string> {
  const officer = await officerInScope(deps, actor, nric);
  const { emailVerifications } = deps.db.t;
  const [pending] = await deps.db.orm
    .select({ email: emailVerifications.email })
    .from(emailVerifications)
    .where(and(eq(emailVerifications.nric, nric), isNull(emailVerifications.usedAt)))
    .orderBy(desc(emailVerifications.createdAt))
    .limit(1);
  const email = pending && pending.email !== officer.email ? pending.email : officer.email;
  if (email === officer.email && officer.emailVerifiedAt !== null) throw refuse('already_verified');
  await issueVerification(deps, nric, email, actor.label);
  return email;
}

/** MyKad numbers of the officers, within the actor's scope, of one import or agency whose e-mail is not verified. */
export async function unverifiedOfficers(deps: PortalDeps, actor: Actor, of: { importBatch: string } | { agencyCode: string }): Promise<string[]> {
  const { officers } = deps.db.t;
  const rows = await deps.db.orm
    .select({ nric: officers.nric })
    .from(officers)
    .where(
      and(
        isNull(officers.emailVerifiedAt),
        'importBatch' in of ? eq(officers.importBatch, of.importBatch) : eq(officers.agencyCode, of.agencyCode),
        actor.agencyCode === null ? undefined : eq(officers.agencyCode, actor.agencyCode),
      ),
    );
  return rows.map((r) => r.nric);
}

/** The console's bulk re-send: each officer once; those already verified are skipped, not refused. */
export async function resendToUnverified(deps: PortalDeps, actor: Actor, nrics: string[]): Promise<{ sent: number; skipped: number }> {
  let sent = 0;
  let skipped = 0;
  for (const nric of nrics) {
    try {
      await resendVerification(deps, actor, nric);
      sent++;
    } catch (error) {
      if (error instanceof RoamSignError && error.status < 500) skipped++;
      else throw error;
    }
  }
  return { sent, skipped };
}

// ---- lists -----------------------------------------------------------------------------------

export async function listOfficers(deps: PortalDeps, actor: Actor): Promise<Officer[]> {
  const { officers } = deps.db.t;
  return deps.db.orm
    .select()
    .from(officers)
    .where(actor.agencyCode === null ? undefined : eq(officers.agencyCode, actor.agencyCode))
    .orderBy(officers.name)
    .limit(500);
}

/** Applications in the actor's scope; `oldestFirst` for a queue (who has waited longest comes first). */
export async function listApplications(
  deps: PortalDeps,
  actor: Actor,
  status: Application['status'] = 'pending',
  limit = 500,
  oldestFirst = false,
): Promise<(Application & { name: string; agencyCode: string })[]> {
  const { applications, officers } = deps.db.t;
  const rows = await deps.db.orm
    .select({ app: applications, name: officers.name, agencyCode: officers.agencyCode })
    .from(applications)
    .innerJoin(officers, eq(officers.nric, applications.nric))
    .where(applicationsInScope(deps, actor, status))
    .orderBy(oldestFirst ? asc(applications.createdAt) : desc(applications.createdAt))
    .limit(limit);
  return rows.map((r) => ({ ...r.app, name: r.name, agencyCode: r.agencyCode }));
}

/** How many applications of this status the actor's scope holds. */
export async function countApplications(deps: PortalDeps, actor: Actor, status: Application['status'] = 'pending'): Promise<number> {
  const { applications, officers } = deps.db.t;
  const [row] = await deps.db.orm
    .select({ n: count() })
    .from(applications)
    .innerJoin(officers, eq(officers.nric, applications.nric))
    .where(applicationsInScope(deps, actor, status));
  return Number(row?.n ?? 0);
}

function applicationsInScope(deps: PortalDeps, actor: Actor, status: Application['status']) {
  const { applications, officers } = deps.db.t;
  return actor.agencyCode === null ? eq(applications.status, status) : and(eq(applications.status, status), eq(officers.agencyCode, actor.agencyCode));
}

// ---- decisions -------------------------------------------------------------------------------

async function pendingApplication(deps: PortalDeps, actor: Actor, id: string): Promise<{ app: Application; officer: Officer }> {
  const { applications } = deps.db.t;
  const [app] = await deps.db.orm.select().from(applications).where(eq(applications.id, id));
  if (!app) throw new RoamSignError('not_found');
  const officer = await officerInScope(deps, actor, app.nric);
  if (app.status !== 'pending') throw refuse('application_not_pending');
  return { app, officer };
}

/**
 * Approves: the application's PIN verifier becomes the officer's (the administrator never sees
 * it), roaming is added, the CA issues the certificate and the officer is e-mailed.
 */
export async function approveApplication(deps: PortalDeps, actor: Actor, id: string): Promise<{ serial: string }> {
  const { db, now } = deps;
  const { agencies, applications, certificates, officers } = db.t;
  const { app, officer } = await pendingApplication(deps, actor, id);
  const won = await db.transaction(async () => {
    const changed = await db.orm
      .update(applications)
      .set({ status: 'approved', decidedBy: actor.label, decidedAt: now() })
      .where(and(eq(applications.id, id), eq(applications.status, 'pending')))
      .returning({ id: applications.id });
    if (changed.length !== 1) return false;
    const media = officer.media.includes('roaming') ? officer.media : [...officer.media, 'roaming' as const];
    await db.orm
      .update(officers)
      .set({ pinVerifier: app.pinVerifier, pinFailures: 0, pinLockedAt: null, media, phone: app.phone, officeAddress: app.officeAddress, system: app.system })
      .where(eq(officers.nric, app.nric));
    await deps.audit.append({ actor: actor.label, action: 'application.approved', subject: app.nric, details: { application: id } });
    return true;
  });
  if (!won) throw refuse('application_not_pending');
  // A live older certificate is superseded by the new key.
  const live = await db.orm
    .select({ serial: certificates.serial })
    .from(certificates)
    .where(and(eq(certificates.nric, app.nric), isNull(certificates.revokedAt)));
  for (const cert of live) await deps.ca.revoke(cert.serial, 'superseded', actor.label);
  const [agency] = await db.orm.select().from(agencies).where(eq(agencies.code, officer.agencyCode));
  const issued = await deps.ca.issueOfficerCertificate({ nric: officer.nric, name: officer.name, agencyName: agency?.name ?? officer.agencyCode });
  await sendBilingual(
    deps,
    { nric: officer.nric, email: officer.email },
    { ms: 'Sijil telah dikeluarkan', en: 'Your certificate has been issued' },
    {
      ms: `Permohonan sijil Roaming anda telah diluluskan. Sijil telah dikeluarkan (siri ${issued.serial}). Anda kini boleh menandatangani dengan PIN dan OTP.`,
      en: `Your Roaming certificate application has been approved. The certificate has been issued (serial ${issued.serial}). You can now sign with your PIN and OTP.`,
    },
  );
  return { serial: issued.serial };
}

export async function rejectApplication(deps: PortalDeps, actor: Actor, id: string, reason: string): Promise<void> {
  const { db, now } = deps;
  const text = reason.trim();
  if (text.length < 3 || text.length > 500) throw refuse('reason_required');
  const { app, officer } = await pendingApplication(deps, actor, id);
  const { applications } = db.t;
  const won = await db.transaction(async () => {
    const changed = await db.orm
      .update(applications)
      .set({ status: 'rejected', decidedBy: actor.label, decidedAt: now(), reason: text })
      .where(and(eq(applications.id, id), eq(applications.status, 'pending')))
      .returning({ id: applications.id });
    if (changed.length !== 1) return false;
    await deps.audit.append({ actor: actor.label, action: 'application.rejected', subject: app.nric, details: { application: id, reason: text } });
    return true;
  });
  if (!won) throw refuse('application_not_pending');
  await sendBilingual(
    deps,
    { nric: officer.nric, email: officer.email },
    { ms: 'Permohonan sijil ditolak', en: 'Certificate application rejected' },
    {
      ms: `Permohonan sijil Roaming anda telah ditolak. Sebab: ${text}\nAnda boleh memohon semula di portal RoamSign.`,
      en: `Your Roaming certificate application has been rejected. Reason: ${text}\nYou may apply again in the RoamSign portal.`,
    },
  );
}

// ---- certificate and PIN ---------------------------------------------------------------------

export const REVOCATION_REASONS: RevocationReason[] = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'];

/** Revokes the officer's live certificates with a reason; the CA reissues the CRL at once. */
export async function revokeCertificate(deps: PortalDeps, actor: Actor, nric: string, reason: string): Promise<string[]> {
  await officerInScope(deps, actor, nric);
  if (!(REVOCATION_REASONS as string[]).includes(reason)) throw refuse('bad_revocation_reason');
  const { certificates } = deps.db.t;
  const live = await deps.db.orm
    .select({ serial: certificates.serial })
    .from(certificates)
    .where(and(eq(certificates.nric, nric), isNull(certificates.revokedAt)));
  if (!live.length) throw new RoamSignError('not_found', { reason: 'no_certificate' });
  for (const cert of live) await deps.ca.revoke(cert.serial, reason as RevocationReason, actor.label);
  await deps.audit.append({ actor: actor.label, action: 'officer.certificate_revoked', subject: nric, details: { serials: live.map((c) => c.serial), reason } });
  return live.map((c) => c.serial);
}

export async function unlockPin(deps: PortalDeps, actor: Actor, nric: string): Promise<void> {
  await officerInScope(deps, actor, nric);
  const { officers } = deps.db.t;
  await deps.db.transaction(async () => {
    await deps.db.orm.update(officers).set({ pinFailures: 0, pinLockedAt: null }).where(eq(officers.nric, nric));
    await deps.audit.append({ actor: actor.label, action: 'pin.unlocked', subject: nric, details: {} });
  });
}

// ---- audit -----------------------------------------------------------------------------------

export type AuditRow = Tables['auditLog']['$inferSelect'];

/**
 * The audit log an actor may read: entries about officers of their agency, their signing
 * requests and certificates (nationally: everything). `nric` narrows to one officer.
 */
export async function auditFor(deps: PortalDeps, actor: Actor, nric?: string, limit = 200): Promise<AuditRow[]> {
  const { db } = deps;
  const { auditLog, certificates, officers, signingRequests } = db.t;
  if (nric) await officerInScope(deps, actor, nric);
  if (actor.agencyCode === null && !nric) return db.orm.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(limit);
  const whose = nric
    ? sql`select ${nric}`
    : sql`select ${officers.nric} from ${officers} where ${officers.agencyCode} = ${actor.agencyCode}`;
  return db.orm
    .select()
    .from(auditLog)
    .where(
      or(
        sql`${auditLog.subject} in (${whose})`,
        sql`${auditLog.subject} in (select ${signingRequests.id} from ${signingRequests} where ${signingRequests.nric} in (${whose}))`,
        sql`${auditLog.subject} in (select ${certificates.serial} from ${certificates} where ${certificates.nric} in (${whose}))`,
      ),
    )
    .orderBy(desc(auditLog.seq))
    .limit(limit);
}
