import crypto from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { formatMalaysiaTime } from '../../shared/time.js';
import type { PortalDeps } from './deps.js';
import { findAdmin, type AdminRole, type AdminRow } from './adminPortal.js';
import { sendBilingual } from '../notify/sendBilingual.js';
import { refuse } from './officerPortal.js';
import { generatePassword, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords.js';
import { createSessionStore } from './sessions.js';
import { classifyCaller } from '../limits/classifyCaller.js';
import { passwordBuckets } from '../limits/callerBudgets.js';
import { giveBackHits } from '../limits/giveBackHits.js';
import { refuseSpent } from '../limits/refuseSpent.js';
import { takeHits } from '../limits/takeHits.js';
import { UNKNOWN_REQUESTER, type Requester } from '../limits/requester.js';

/**
 * Administrator passwords after creation (issue 13): an administrator changes their own, must
 * choose their own at first sign-in when the CLI printed one, and a new or reset account gets its
 * password by a one-time e-mail link (never on another administrator's screen).
 */
export const PASSWORD_LINK_TTL_MS = 24 * 60 * 60 * 1000;

/** Higher roles reset lower ones: admin > sap > sa > ap. */
const RANK: Record<AdminRole, number> = { admin: 4, sap: 3, sa: 2, ap: 1 };

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('base64url');

function checkNewPassword(password: string, confirm: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) throw refuse('weak_password');
  if (password !== confirm) throw refuse('password_mismatch');
}

/** Ends the administrator's sessions (but `keep`): whoever knew the old password is signed out too. */
function endSessionsOf(deps: PortalDeps, adminId: string, keep?: string): Promise<number> {
  return createSessionStore(deps.db, deps.now).endAllOf('admin', adminId, keep);
}

/**
 * The administrator's own change. The current password is checked against the same budget as
 * sign-in (a hijacked session cannot guess it at will); the other sessions end.
 */
export async function changeAdminPassword(
  deps: PortalDeps,
  adminId: string,
  input: { current: string; password: string; confirm: string; session?: string; requester?: Requester },
): Promise<void> {
  const { current, password, confirm } = input;
  const admin = await findAdmin(deps, adminId);
  if (!admin || admin.status !== 'active') throw new RoamSignError('unauthorized');
  const caller = await classifyCaller(deps.db, { requester: input.requester ?? UNKNOWN_REQUESTER, subject: `admin:${admin.nric}`, now: deps.now() });
  const taken = await takeHits(deps.db, passwordBuckets(admin.nric, caller), deps.now());
  if (!taken.ok) throw refuseSpent(taken, { reason: 'too_many_failures' });
  if (!(await verifyPassword(current, admin.passwordVerifier))) throw refuse('wrong_current_password');
  await giveBackHits(deps.db, taken.ids);
  checkNewPassword(password, confirm);
  if (password === current) throw refuse('same_password');
  const { admins } = deps.db.t;
  const passwordVerifier = await hashPassword(password);
  await deps.db.transaction(async () => {
    await deps.db.orm.update(admins).set({ passwordVerifier, mustChangePassword: 0 }).where(eq(admins.id, adminId));
    await endSessionsOf(deps, adminId, input.session);
    await deps.audit.append({ actor: `admin:${adminId}`, action: 'admin.password_changed', subject: adminId, details: {} });
  });
}

/** May `by` reset `target`'s password: a strictly higher role, within its agency unless national. */
export function mayReset(by: AdminRow, target: AdminRow): boolean {
  if (by.id === target.id || RANK[by.role] <= RANK[target.role]) return false;
  return by.role === 'admin' || (by.agencyCode !== null && by.agencyCode === target.agencyCode);
}

/**
 * E-mails a one-time link to set the password (24 hours). A reset also replaces the old password
 * with an unknown one at once: whoever knew it can no longer sign in.
 */
export async function sendPasswordLink(deps: PortalDeps, targetId: string, actor: string, kind: 'new' | 'reset'): Promise<void> {
  const target = await findAdmin(deps, targetId);
  if (!target) throw new RoamSignError('not_found');
  const { adminPasswordLinks, admins } = deps.db.t;
  const token = crypto.randomBytes(32).toString('base64url');
  const now = deps.now();
  const passwordVerifier = kind === 'reset' ? await hashPassword(generatePassword()) : null;
  await deps.db.transaction(async () => {
    // The newest link is the only live one: an earlier, perhaps intercepted, link dies with it.
    await deps.db.orm.update(adminPasswordLinks).set({ expiresAt: now }).where(and(eq(adminPasswordLinks.adminId, target.id), isNull(adminPasswordLinks.usedAt), gt(adminPasswordLinks.expiresAt, now)));
    await deps.db.orm.insert(adminPasswordLinks).values({ tokenHash: hashToken(token), adminId: target.id, expiresAt: now + PASSWORD_LINK_TTL_MS, createdAt: now });
    if (passwordVerifier) {
      await deps.db.orm.update(admins).set({ passwordVerifier }).where(eq(admins.id, target.id));
      await endSessionsOf(deps, target.id);
    }
    await deps.audit.append({ actor, action: kind === 'reset' ? 'admin.password_reset' : 'admin.password_link_sent', subject: target.id, details: {} });
  });
  const link = `${deps.config.publicUrl}/portal/admin/password/set?token=${token}`;
  const until = now + PASSWORD_LINK_TTL_MS;
  await sendBilingual(
    deps,
    { nric: target.nric, email: target.email },
    kind === 'new' ? { ms: 'Tetapkan kata laluan pentadbir RoamSign anda', en: 'Set your RoamSign administrator password' } : { ms: 'Set semula kata laluan pentadbir RoamSign', en: 'Reset your RoamSign administrator password' },
    {
      ms: `${kind === 'new' ? 'Akaun pentadbir RoamSign telah dicipta untuk anda.' : 'Kata laluan pentadbir RoamSign anda telah diset semula oleh pentadbir kanan.'} Buka pautan ini untuk menetapkan kata laluan anda (sekali guna, sah sehingga ${formatMalaysiaTime('ms', until, { zone: true })}):\n${link}`,
      en: `${kind === 'new' ? 'A RoamSign administrator account has been created for you.' : 'Your RoamSign administrator password has been reset by a senior administrator.'} Open this link to set your password (single use, valid until ${formatMalaysiaTime('en', until, { zone: true })}):\n${link}`,
    },
  );
}

/** The administrator a live link belongs to (the set-password page shows their name). */
export async function passwordLinkOwner(deps: PortalDeps, token: string): Promise<AdminRow> {
  const { adminPasswordLinks } = deps.db.t;
  const [link] = await deps.db.orm
    .select()
    .from(adminPasswordLinks)
    .where(and(eq(adminPasswordLinks.tokenHash, hashToken(token)), isNull(adminPasswordLinks.usedAt), gt(adminPasswordLinks.expiresAt, deps.now())));
  const admin = link ? await findAdmin(deps, link.adminId) : undefined;
  if (!admin || admin.status !== 'active') throw refuse('link_unknown');
  return admin;
}

export async function usePasswordLink(deps: PortalDeps, token: string, password: string, confirm: string): Promise<AdminRow> {
  const admin = await passwordLinkOwner(deps, token);
  checkNewPassword(password, confirm);
  const { adminPasswordLinks, admins } = deps.db.t;
  const passwordVerifier = await hashPassword(password);
  const won = await deps.db.transaction(async () => {
    const used = await deps.db.orm
      .update(adminPasswordLinks)
      .set({ usedAt: deps.now() })
      .where(and(eq(adminPasswordLinks.tokenHash, hashToken(token)), isNull(adminPasswordLinks.usedAt)))
      .returning({ adminId: adminPasswordLinks.adminId });
    if (used.length !== 1) return false;
    await deps.db.orm.update(admins).set({ passwordVerifier, mustChangePassword: 0 }).where(eq(admins.id, admin.id));
    await endSessionsOf(deps, admin.id);
    await deps.audit.append({ actor: `admin:${admin.id}`, action: 'admin.password_changed', subject: admin.id, details: { by: 'link' } });
    return true;
  });
  if (!won) throw refuse('link_used');
  return admin;
}

/** Administrators `by` may see in the accounts list: all nationally, else their agency's. */
export async function adminAccounts(deps: PortalDeps, by: AdminRow): Promise<AdminRow[]> {
  const { admins } = deps.db.t;
  return deps.db.orm
    .select()
    .from(admins)
    .where(by.role === 'admin' ? undefined : eq(admins.agencyCode, by.agencyCode ?? ''))
    .orderBy(admins.name)
    .limit(500);
}
