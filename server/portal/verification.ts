import crypto from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { PortalDeps } from './deps.js';
import { sendBilingual } from '../notify/sendBilingual.js';

/** DESIGN.md "Enrolment": the e-mail verification link is valid 24 hours. */
export const VERIFICATION_TTL_MS = 24 * 60 * 60 * 1000;

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('base64url');

/**
 * Sends a verification link for `email` (the registered address, or a new one the officer asked
 * for). Older unused links of the officer stop working: only the newest link counts.
 */
export async function issueVerification(deps: PortalDeps, nric: string, email: string, actor: string): Promise<void> {
  const { db, now } = deps;
  const { emailVerifications } = db.t;
  const token = crypto.randomBytes(32).toString('base64url');
  const at = now();
  await db.transaction(async () => {
    await db.orm
      .update(emailVerifications)
      .set({ expiresAt: at })
      .where(and(eq(emailVerifications.nric, nric), isNull(emailVerifications.usedAt), gt(emailVerifications.expiresAt, at)));
    await db.orm.insert(emailVerifications).values({ tokenHash: sha256(token), nric, email, expiresAt: at + VERIFICATION_TTL_MS, createdAt: at });
    await deps.audit.append({ actor, action: 'email.verification_sent', subject: nric, details: { email } });
  });
  const link = `${deps.config.publicUrl}/portal/verify?token=${token}`;
  await sendBilingual(
    deps,
    { nric, email },
    { ms: 'Sahkan alamat e-mel anda', en: 'Verify your e-mail address' },
    {
      ms: `Sila sahkan alamat e-mel ini untuk RoamSign dengan membuka pautan berikut (sah selama 24 jam, sekali guna sahaja):\n${link}`,
      en: `Please verify this e-mail address for RoamSign by opening this link (valid for 24 hours, single use):\n${link}`,
    },
  );
}

/**
 * Uses a link: single use (the update wins once), refused from the 24th hour. The address in the
 * link becomes the officer's e-mail only now, so a changed address receives no OTP before this.
 */
export async function verifyEmail(deps: PortalDeps, token: string): Promise<{ nric: string; email: string }> {
  const { db, now } = deps;
  const { emailVerifications, officers } = db.t;
  const tokenHash = sha256(token);
  return db.transaction(async () => {
    const [row] = await db.orm.select().from(emailVerifications).where(eq(emailVerifications.tokenHash, tokenHash));
    if (!row) throw new RoamSignError('not_found', { reason: 'link_unknown' });
    if (row.usedAt !== null) throw new RoamSignError('bad_request', { reason: 'link_used' });
    const at = now();
    if (at >= row.expiresAt) throw new RoamSignError('bad_request', { reason: 'link_expired' });
    const won = await db.orm
      .update(emailVerifications)
      .set({ usedAt: at })
      .where(and(eq(emailVerifications.tokenHash, tokenHash), isNull(emailVerifications.usedAt)))
      .returning({ tokenHash: emailVerifications.tokenHash });
    if (won.length !== 1) throw new RoamSignError('bad_request', { reason: 'link_used' });
    await db.orm.update(officers).set({ email: row.email, emailVerifiedAt: at }).where(eq(officers.nric, row.nric));
    await deps.audit.append({ actor: `officer:${row.nric}`, action: 'email.verified', subject: row.nric, details: { email: row.email } });
    return { nric: row.nric, email: row.email };
  });
}

/** The address waiting for verification, when it differs from the registered one. */
export async function pendingEmail(deps: PortalDeps, nric: string, current: string): Promise<string | null> {
  const { db } = deps;
  const { emailVerifications } = db.t;
  const [row] = await db.orm
    .select({ email: emailVerifications.email })
    .from(emailVerifications)
    .where(and(eq(emailVerifications.nric, nric), isNull(emailVerifications.usedAt), gt(emailVerifications.expiresAt, deps.now())))
    .limit(1);
  return row && row.email !== current ? row.email : null;
}
