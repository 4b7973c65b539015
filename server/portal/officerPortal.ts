import crypto from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { SYSTEMS, type SystemId } from '../../shared/systems.js';
import type { Tables } from '../db/database.js';
import { messageBuckets } from '../limits/callerBudgets.js';
import { classifyCaller } from '../limits/classifyCaller.js';
import { refuseSpent } from '../limits/refuseSpent.js';
import { UNKNOWN_REQUESTER, type Requester } from '../limits/requester.js';
import { takeHits } from '../limits/takeHits.js';
import { findOfficer, latestCertificate, type Officer } from '../registry/officers.js';
import { checkPinCounted } from '../pin/pinAttempts.js';
import type { PortalDeps } from './deps.js';
import { CODE_TTL_MS, sendCode } from './mail.js';
import { checkPin } from './pinRules.js';
import { issueVerification, pendingEmail } from './verification.js';

export type Application = Tables['applications']['$inferSelect'];

/** A bad_request the portal shows in words: `reason` names the message. */
export function refuse(reason: string, details: Record<string, unknown> = {}): RoamSignError {
  return new RoamSignError('bad_request', { reason, ...details });
}

function assertPinRules(nric: string, pin: string, confirm: string): void {
  const violations = checkPin(pin, nric, confirm);
  if (violations.length) throw refuse('pin_rules', { violations });
}

export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const PHONE_RE = /^\+?\d{9,15}$/;

/** Phone numbers are kept as digits with an optional leading +, spaces and dashes removed. */
export function normalisePhone(value: string): string {
  return value.replace(/[\s-]/g, '');
}

async function officerOrThrow(deps: PortalDeps, nric: string): Promise<Officer> {
  const officer = await findOfficer(deps.db, nric);
  if (!officer) throw new RoamSignError('user_not_found');
  return officer;
}

// ---- sign-in ---------------------------------------------------------------------------------

/**
 * Step 1: e-mail a 6-digit code to the verified address. An unknown, inactive or unverified
 * officer gets a challenge id that matches nothing, so the page does not tell who is registered.
 * The code spends the caller's budget (docs/security.md): a browser that signed in as this officer
 * before has its own; every other source shares the officer's small unsolicited budget, kept for
 * any MyKad number typed, registered or not, so a spent budget tells nothing either.
 */
export async function startOfficerSignIn(deps: PortalDeps, nric: string, requester: Requester = UNKNOWN_REQUESTER): Promise<{ challengeId: string }> {
  const { db, config } = deps;
  const caller = await classifyCaller(db, { requester, subject: `officer:${nric}`, now: deps.now() });
  const budget = messageBuckets(nric, 'sign_in', caller, {
    knownSendsPerHour: config.codesPerHour,
    unknownSendsPerHour: config.unknownSendsPerHour,
    addressSendsPerHour: config.addressSendsPerHour,
  });
  const officer = await findOfficer(db, nric);
  if (!officer || officer.status !== 'active' || officer.emailVerifiedAt === null) {
    const taken = await takeHits(db, budget, deps.now());
    if (!taken.ok) throw refuseSpent(taken);
    return { challengeId: `ch_${crypto.randomBytes(16).toString('base64url')}` };
  }
  const { id, code } = await deps.challenges.create('officer_sign_in', nric, CODE_TTL_MS, { step: 'sign_in' }, budget);
  await sendCode(deps, { nric, email: officer.email }, code, { ms: 'log masuk', en: 'sign-in' });
  return { challengeId: id };
}

/** Step 2: the code consumes the challenge; the officer's activity clock restarts. */
export async function completeOfficerSignIn(deps: PortalDeps, challengeId: string, code: string): Promise<string> {
  const { subjectId, payload } = await deps.challenges.consume(challengeId, 'officer_sign_in', code);
  if (payload.step !== 'sign_in') throw new RoamSignError('not_found');
  const officer = await officerOrThrow(deps, subjectId);
  if (officer.status !== 'active') throw new RoamSignError('forbidden', { reason: `officer_${officer.status}` });
  const { officers } = deps.db.t;
  await deps.db.orm.update(officers).set({ lastActivityAt: deps.now() }).where(eq(officers.nric, subjectId));
  await deps.audit.append({ actor: `officer:${subjectId}`, action: 'portal.signed_in', subject: subjectId, details: {} });
  return subjectId;
}

// ---- home ------------------------------------------------------------------------------------

export interface OfficerHome {
  officer: Officer;
  agencyName: string;
  pendingEmail: string | null;
  application: Application | null;
  certificate: { serial: string; notAfter: number; revoked: boolean } | null;
}

export async function officerHome(deps: PortalDeps, nric: string): Promise<OfficerHome> {
  const officer = await officerOrThrow(deps, nric);
  const { applications } = deps.db.t;
  const [application] = await deps.db.orm.select().from(applications).where(eq(applications.nric, nric)).orderBy(desc(applications.createdAt)).limit(1);
  const cert = await latestCertificate(deps.db, nric);
  const { agencies } = deps.db.t;
  const [agency] = await deps.db.orm.select({ name: agencies.name }).from(agencies).where(eq(agencies.code, officer.agencyCode));
  return {
    officer,
    agencyName: agency?.name ?? officer.agencyCode,
    pendingEmail: await pendingEmail(deps, nric, officer.email),
    application: application ?? null,
    certificate: cert ? { serial: cert.serial, notAfter: cert.notAfter, revoked: cert.revokedAt !== null } : null,
  };
}

// ---- application -----------------------------------------------------------------------------

/** The application's security check: a fresh code e-mailed for this step (10 minutes). */
export async function startApplicationCheck(deps: PortalDeps, nric: string): Promise<{ challengeId: string }> {
  const officer = await officerOrThrow(deps, nric);
  if (officer.emailVerifiedAt === null) throw refuse('email_not_verified');
  const { id, code } = await deps.challenges.create('officer_sign_in', nric, CODE_TTL_MS, { step: 'application' });
  await sendCode(deps, { nric, email: officer.email }, code, { ms: 'permohonan sijil', en: 'certificate application' });
  return { challengeId: id };
}

export interface ApplicationInput {
  system: string;
  pin: string;
  pinConfirm: string;
  officeAddress: string;
  phone: string;
  challengeId: string;
  code: string;
  declaration: boolean;
}

/** Applies for the roaming certificate; only the vault's PIN verifier is stored. */
export async function applyForCertificate(deps: PortalDeps, nric: string, input: ApplicationInput): Promise<Application> {
  const { db, now } = deps;
  const { applications } = db.t;
  const officer = await officerOrThrow(deps, nric);
  if (officer.emailVerifiedAt === null) throw refuse('email_not_verified');
  if ((await db.orm.select({ id: applications.id }).from(applications).where(and(eq(applications.nric, nric), eq(applications.status, 'pending')))).length) {
    throw refuse('application_pending');
  }
  if (!(SYSTEMS as readonly string[]).includes(input.system)) throw refuse('unknown_system');
  const officeAddress = input.officeAddress.trim();
  if (officeAddress.length < 10 || officeAddress.length > 500) throw refuse('bad_address');
  const phone = normalisePhone(input.phone);
  if (!PHONE_RE.test(phone)) throw refuse('bad_phone');
  if (!input.declaration) throw refuse('declaration_required');
  assertPinRules(nric, input.pin, input.pinConfirm);
  // The code is checked last: a typo elsewhere on the form does not burn it.
  let check: { subjectId: string; payload: Record<string, unknown> };
  try {
    check = await deps.challenges.consume(input.challengeId, 'officer_sign_in', input.code);
  } catch (error) {
    if (error instanceof RoamSignError && error.code === 'not_found') throw new RoamSignError('otp_invalid');
    throw error;
  }
  if (check.subjectId !== nric || check.payload.step !== 'application') throw new RoamSignError('otp_invalid');
  const pinVerifier = await deps.vault.hashPin(input.pin);
  const at = now();
  const row: Application = {
    id: `app_${crypto.randomBytes(12).toString('base64url')}`,
    nric,
    system: input.system as SystemId,
    officeAddress,
    phone,
    pinVerifier,
    declaredAt: at,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    reason: null,
    createdAt: at,
  };
  await db.transaction(async () => {
    await db.orm.insert(applications).values(row);
    await deps.audit.append({ actor: `officer:${nric}`, action: 'application.submitted', subject: nric, details: { application: row.id, system: row.system } });
  });
  return row;
}

// ---- PIN change and reset --------------------------------------------------------------------

/** Change PIN with the old one; a wrong old PIN counts towards the same lock-out as signing. */
export async function changePin(deps: PortalDeps, nric: string, oldPin: string, pin: string, pinConfirm: string): Promise<void> {
  const { db } = deps;
  const { officers } = db.t;
  const officer = await officerOrThrow(deps, nric);
  if (officer.pinVerifier === null) throw refuse('no_pin');
  if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
  assertPinRules(nric, pin, pinConfirm);
  try {
    await checkPinCounted(deps, { nric, pin: oldPin, verifier: officer.pinVerifier, subject: nric, action: 'pin.change_failed' });
  } catch (error) {
    // The portal says only "wrong PIN" (a lock shows on the next page).
    if (error instanceof RoamSignError && error.code === 'pin_invalid') throw new RoamSignError('pin_invalid');
    throw error;
  }
  const verifier = await deps.vault.hashPin(pin);
  await db.transaction(async () => {
    await db.orm.update(officers).set({ pinVerifier: verifier, pinFailures: 0 }).where(eq(officers.nric, nric));
    await deps.audit.append({ actor: `officer:${nric}`, action: 'pin.changed', subject: nric, details: {} });
  });
}

export async function startPinReset(deps: PortalDeps, nric: string): Promise<{ challengeId: string }> {
  const officer = await officerOrThrow(deps, nric);
  if (officer.pinVerifier === null) throw refuse('no_pin');
  const { id, code } = await deps.challenges.create('pin_reset', nric, CODE_TTL_MS, {});
  await sendCode(deps, { nric, email: officer.email }, code, { ms: 'set semula PIN', en: 'PIN reset' });
  return { challengeId: id };
}

/** Forgotten PIN: the e-mailed code, then a new PIN; this also clears a PIN lock. */
export async function completePinReset(deps: PortalDeps, nric: string, challengeId: string, code: string, pin: string, pinConfirm: string): Promise<void> {
  const { db } = deps;
  const { officers } = db.t;
  const officer = await officerOrThrow(deps, nric);
  if (officer.pinVerifier === null) throw refuse('no_pin');
  assertPinRules(nric, pin, pinConfirm);
  let subjectId: string;
  try {
    subjectId = (await deps.challenges.consume(challengeId, 'pin_reset', code)).subjectId;
  } catch (error) {
    if (error instanceof RoamSignError && error.code === 'not_found') throw new RoamSignError('otp_invalid');
    throw error;
  }
  if (subjectId !== nric) throw new RoamSignError('otp_invalid');
  const verifier = await deps.vault.hashPin(pin);
  await db.transaction(async () => {
    await db.orm.update(officers).set({ pinVerifier: verifier, pinFailures: 0, pinLockedAt: null }).where(eq(officers.nric, nric));
    await deps.audit.append({ actor: `officer:${nric}`, action: 'pin.reset', subject: nric, details: { wasLocked: officer.pinLockedAt !== null } });
  });
}

// ---- profile ---------------------------------------------------------------------------------

export interface ProfileInput {
  email?: string;
  phone?: string;
  officeAddress?: string;
}

/** Phone and office address change at once; a new e-mail only after its link is used. */
export async function updateProfile(deps: PortalDeps, nric: string, input: ProfileInput): Promise<{ emailPending: boolean }> {
  const { db } = deps;
  const { officers } = db.t;
  const officer = await officerOrThrow(deps, nric);
  const set: Partial<Pick<Officer, 'phone' | 'officeAddress'>> = {};
  if (input.phone !== undefined && input.phone.trim() !== '') {
    const phone = normalisePhone(input.phone);
    if (!PHONE_RE.test(phone)) throw refuse('bad_phone');
    if (phone !== officer.phone) set.phone = phone;
  }
  if (input.officeAddress !== undefined && input.officeAddress.trim() !== '') {
    const address = input.officeAddress.trim();
    if (address.length < 10 || address.length > 500) throw refuse('bad_address');
    if (address !== officer.officeAddress) set.officeAddress = address;
  }
  let email: string | null = null;
  if (input.email !== undefined && input.email.trim() !== '') {
    email = input.email.trim().toLowerCase();
    if (!EMAIL_RE.test(email) || email.length > 254) throw refuse('bad_email');
    // Unchanged, or the address already waiting for its link: nothing to send.
    if (email === officer.email || email === (await pendingEmail(deps, nric, officer.email))) email = null;
  }
  if (Object.keys(set).length) {
    await db.transaction(async () => {
      await db.orm.update(officers).set(set).where(eq(officers.nric, nric));
      await deps.audit.append({ actor: `officer:${nric}`, action: 'profile.updated', subject: nric, details: { fields: Object.keys(set) } });
    });
  }
  if (email) await issueVerification(deps, nric, email, `officer:${nric}`);
  return { emailPending: email !== null };
}

// ---- signing history -------------------------------------------------------------------------

export interface HistoryEntry {
  id: string;
  system: string;
  status: string;
  createdAt: number;
  signedAt: number | null;
  documents: { id: string; title?: string; amount?: string }[];
  signatures: number;
}

/** The officer's own signing requests, newest first, with how many signatures each produced. */
export async function signingHistory(deps: PortalDeps, nric: string, limit = 50): Promise<HistoryEntry[]> {
  const { db } = deps;
  const { signatures, signingRequests } = db.t;
  const rows = await db.orm.select().from(signingRequests).where(eq(signingRequests.nric, nric)).orderBy(desc(signingRequests.createdAt)).limit(limit);
  if (!rows.length) return [];
  const counted = await db.orm
    .select({ requestId: signatures.requestId, n: sql<number>`count(*)`.mapWith(Number) })
    .from(signatures)
    .where(inArray(signatures.requestId, rows.map((r) => r.id)))
    .groupBy(signatures.requestId);
  const counts = new Map(counted.map((r) => [r.requestId, r.n]));
  return rows.map((r) => ({
    id: r.id,
    system: r.system,
    // A request abandoned before its OTP was used never signs: it reads as expired, not pending.
    status: r.status === 'pending' && r.otpExpiresAt < deps.now() ? ('expired' as const) : r.status,
    createdAt: r.createdAt,
    signedAt: r.signedAt,
    documents: r.documents.map((d) => ({ id: d.id, ...(d.summary?.title ? { title: d.summary.title } : {}), ...(d.summary?.amount ? { amount: d.summary.amount } : {}) })),
    signatures: counts.get(r.id) ?? 0,
  }));
}
