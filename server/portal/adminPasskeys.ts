import { and, eq, gt, isNull } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { passwordBuckets } from '../limits/callerBudgets.js';
import { classifyCaller } from '../limits/classifyCaller.js';
import { giveBackHits } from '../limits/giveBackHits.js';
import { refuseSpent } from '../limits/refuseSpent.js';
import { UNKNOWN_REQUESTER, type Requester } from '../limits/requester.js';
import { takeHits } from '../limits/takeHits.js';
import { findAdmin, type AdminRow } from './adminPortal.js';
import { verifyPassword } from './passwords.js';
import type { PasskeyDeps } from '../passkeys/deps.js';
import { notifyPasskeyChange } from '../passkeys/managePasskeys.js';
import { finishPasskeySignIn, startPasskeySignIn } from '../passkeys/passkeySignIn.js';
import type { Passkey } from '../passkeys/passkeyStore.js';
import { relyingPartyOf } from '../passkeys/relyingParty.js';
import { finishPasskeyRegistration, startPasskeyRegistration } from '../passkeys/registerPasskey.js';

// An administrator's passkey (issue 11): the second factor after the password, in place of the
// e-mailed code.

/** Adding a passkey needs the password again, counted against the same budget as sign-in. */
export async function startAdminPasskeyRegistration(deps: PasskeyDeps, adminId: string, password: string, requester: Requester = UNKNOWN_REQUESTER) {
  const admin = await findAdmin(deps, adminId);
  if (!admin || admin.status !== 'active') throw new RoamSignError('forbidden');
  const caller = await classifyCaller(deps.db, { requester, subject: `admin:${admin.nric}`, now: deps.now() });
  const taken = await takeHits(deps.db, passwordBuckets(admin.nric, caller), deps.now());
  if (!taken.ok) throw refuseSpent(taken, { reason: 'too_many_failures' });
  if (!(await verifyPassword(password, admin.passwordVerifier))) {
    await deps.audit.append({ actor: `admin:${admin.id}`, action: 'passkey.password_failed', subject: admin.id, details: {} });
    throw new RoamSignError('unauthorized', { reason: 'bad_credentials' });
  }
  await giveBackHits(deps.db, taken.ids);
  return startPasskeyRegistration({ db: deps.db, rp: relyingPartyOf(deps.config.publicUrl), subject: { type: 'admin', id: admin.id }, userName: admin.nric, displayName: admin.name, now: deps.now() });
}

export async function finishAdminPasskeyRegistration(deps: PasskeyDeps, adminId: string, input: { challengeId: string; response: unknown; name: string }): Promise<Passkey> {
  const passkey = await finishPasskeyRegistration({
    db: deps.db,
    audit: deps.audit,
    rp: relyingPartyOf(deps.config.publicUrl),
    subject: { type: 'admin', id: adminId },
    ...input,
    actor: `admin:${adminId}`,
    now: deps.now(),
  });
  await notifyPasskeyChange(deps, passkey, 'registered');
  return passkey;
}

/** The administrator that passed the password step of sign-in `pending` (its e-mailed-code challenge, still unused). */
async function passwordPassed(deps: PasskeyDeps, pending: string): Promise<AdminRow> {
  const { challenges } = deps.db.t;
  const [row] = await deps.db.orm
    .select({ subjectId: challenges.subjectId })
    .from(challenges)
    .where(and(eq(challenges.id, pending), eq(challenges.purpose, 'admin_sign_in'), isNull(challenges.consumedAt), gt(challenges.expiresAt, deps.now())));
  const admin = row ? await findAdmin(deps, row.subjectId) : undefined;
  if (!admin || admin.status !== 'active') throw new RoamSignError('unauthorized', { reason: 'bad_credentials' });
  return admin;
}

export async function startAdminPasskeySignIn(deps: PasskeyDeps, pending: string) {
  const admin = await passwordPassed(deps, pending);
  return startPasskeySignIn(deps, { subjectType: 'admin', subject: { type: 'admin', id: admin.id } });
}

/** Factor two by passkey: the password step's challenge is used up with it, so neither is reused. */
export async function completeAdminPasskeySignIn(deps: PasskeyDeps, input: { pending: string; challengeId: string; response: unknown }): Promise<AdminRow> {
  const admin = await passwordPassed(deps, input.pending);
  const passkey = await finishPasskeySignIn(deps, { challengeId: input.challengeId, response: input.response, subjectType: 'admin', subject: { type: 'admin', id: admin.id } });
  const { challenges } = deps.db.t;
  const used = await deps.db.orm
    .update(challenges)
    .set({ consumedAt: deps.now() })
    .where(and(eq(challenges.id, input.pending), isNull(challenges.consumedAt)))
    .returning({ id: challenges.id });
  if (used.length !== 1) throw new RoamSignError('unauthorized', { reason: 'bad_credentials' });
  await deps.audit.append({ actor: `admin:${admin.id}`, action: 'portal.signed_in', subject: admin.id, details: { factor: 'passkey', credentialId: passkey.credentialId } });
  return admin;
}
