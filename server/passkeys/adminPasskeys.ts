import { and, eq, gt, isNull } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { passwordBuckets } from '../limits/callerBudgets.js';
import { classifyCaller } from '../limits/classifyCaller.js';
import { giveBackHits } from '../limits/giveBackHits.js';
import { refuseSpent } from '../limits/refuseSpent.js';
import { UNKNOWN_REQUESTER, type Requester } from '../limits/requester.js';
import { takeHits } from '../limits/takeHits.js';
import { findAdmin, type AdminRow } from '../portal/adminPortal.js';
import { verifyPassword } from '../portal/passwords.js';
import type { Services } from '../services.js';
import { notifyPasskeyChange } from './managePasskeys.js';
import { finishPasskeySignIn, startPasskeySignIn } from './passkeySignIn.js';
import type { Passkey } from './passkeyStore.js';
import { relyingPartyOf } from './relyingParty.js';
import { finishPasskeyRegistration, startPasskeyRegistration } from './registerPasskey.js';

// An administrator's passkey (issue 11): the second factor after the password, in place of the
// e-mailed code.

/** Adding a passkey needs the password again, counted against the same budget as sign-in. */
export async function startAdminPasskeyRegistration(services: Services, adminId: string, password: string, requester: Requester = UNKNOWN_REQUESTER) {
  const admin = await findAdmin(services, adminId);
  if (!admin || admin.status !== 'active') throw new RoamSignError('forbidden');
  const caller = await classifyCaller(services.db, { requester, subject: `admin:${admin.nric}`, now: services.now() });
  const taken = await takeHits(services.db, passwordBuckets(admin.nric, caller), services.now());
  if (!taken.ok) throw refuseSpent(taken.retryAfterMs, { reason: 'too_many_failures' });
  if (!(await verifyPassword(password, admin.passwordVerifier))) {
    await services.audit.append({ actor: `admin:${admin.id}`, action: 'passkey.password_failed', subject: admin.id, details: {} });
    throw new RoamSignError('unauthorized', { reason: 'bad_credentials' });
  }
  await giveBackHits(services.db, taken.ids);
  return startPasskeyRegistration({ db: services.db, rp: relyingPartyOf(services.config.publicUrl), subject: { type: 'admin', id: admin.id }, userName: admin.nric, displayName: admin.name, now: services.now() });
}

export async function finishAdminPasskeyRegistration(services: Services, adminId: string, input: { challengeId: string; response: unknown; name: string }): Promise<Passkey> {
  const passkey = await finishPasskeyRegistration({
    db: services.db,
    audit: services.audit,
    rp: relyingPartyOf(services.config.publicUrl),
    subject: { type: 'admin', id: adminId },
    ...input,
    actor: `admin:${adminId}`,
    now: services.now(),
  });
  await notifyPasskeyChange(services, passkey, 'registered');
  return passkey;
}

/** The administrator that passed the password step of sign-in `pending` (its e-mailed-code challenge, still unused). */
async function passwordPassed(services: Services, pending: string): Promise<AdminRow> {
  const { challenges } = services.db.t;
  const [row] = await services.db.orm
    .select({ subjectId: challenges.subjectId })
    .from(challenges)
    .where(and(eq(challenges.id, pending), eq(challenges.purpose, 'admin_sign_in'), isNull(challenges.consumedAt), gt(challenges.expiresAt, services.now())));
  const admin = row ? await findAdmin(services, row.subjectId) : undefined;
  if (!admin || admin.status !== 'active') throw new RoamSignError('unauthorized', { reason: 'bad_credentials' });
  return admin;
}

export async function startAdminPasskeySignIn(services: Services, pending: string) {
  const admin = await passwordPassed(services, pending);
  return startPasskeySignIn(services, { subjectType: 'admin', subject: { type: 'admin', id: admin.id } });
}

/** Factor two by passkey: the password step's challenge is used up with it, so neither is reused. */
export async function completeAdminPasskeySignIn(services: Services, input: { pending: string; challengeId: string; response: unknown }): Promise<AdminRow> {
  const admin = await passwordPassed(services, input.pending);
  const passkey = await finishPasskeySignIn(services, { challengeId: input.challengeId, response: input.response, subjectType: 'admin', subject: { type: 'admin', id: admin.id } });
  const { challenges } = services.db.t;
  const used = await services.db.orm
    .update(challenges)
    .set({ consumedAt: services.now() })
    .where(and(eq(challenges.id, input.pending), isNull(challenges.consumedAt)))
    .returning({ id: challenges.id });
  if (used.length !== 1) throw new RoamSignError('unauthorized', { reason: 'bad_credentials' });
  await services.audit.append({ actor: `admin:${admin.id}`, action: 'portal.signed_in', subject: admin.id, details: { factor: 'passkey', credentialId: passkey.credentialId } });
  return admin;
}
