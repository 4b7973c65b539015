import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import { formatMalaysiaTime } from '../../shared/time.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';
import type { Notices } from '../notify/notices.js';
import type { PushChannel } from '../notify/outbox.js';
import { latestCertificate } from '../registry/officers.js';
import { DAY_MS } from './deps.js';

/** Issue 21: notices go out 30, 7 and 1 days before a certificate expires. */
export const RENEWAL_NOTICE_DAYS = [30, 7, 1] as const;

export interface RenewalNoticeDeps {
  db: Db;
  audit: AuditLog;
  notices: Notices;
  /** GPKI Mobile (the push hub): the notice is shown on the officer's active device, if any. */
  pushHub: PushChannel;
  config: { publicUrl: string };
  now: () => number;
}

export interface RenewalNoticeSent {
  nric: string;
  serial: string;
  days: number;
  pushed: boolean;
}

/** The threshold a certificate with `left` ms to live has reached: the smallest of 30/7/1 days it is within. */
export function noticeThreshold(left: number): number | null {
  const reached = RENEWAL_NOTICE_DAYS.filter((days) => left <= days * DAY_MS);
  return reached.length ? Math.min(...reached) : null;
}

/** The notice's words, Bahasa Malaysia first (issue 13): the date in Malaysian time, and where to renew. */
export function renewalNoticeText(notAfter: number, at: number, publicUrl: string): { subject: string; text: string } {
  const daysLeft = Math.max(1, Math.ceil((notAfter - at) / DAY_MS));
  const portal = `${publicUrl}/portal`;
  const ms =
    `Sijil digital RoamSign anda akan tamat tempoh pada ${formatMalaysiaTime('ms', notAfter, { zone: true })}, ${daysLeft} hari lagi. ` +
    `Selepas itu anda tidak boleh menandatangani dengan RoamSign.\n` +
    `Perbaharui sijil anda di portal RoamSign (${portal}): log masuk, kemudian tekan "Perbaharui sijil" dan sahkan dengan PIN serta kod keselamatan e-mel, atau dengan kunci laluan (passkey).`;
  const en =
    `Your RoamSign digital certificate expires on ${formatMalaysiaTime('en', notAfter, { zone: true })}, in ${daysLeft} day${daysLeft === 1 ? '' : 's'}. ` +
    `After that you cannot sign with RoamSign.\n` +
    `Renew it in the RoamSign portal (${portal}): sign in, press "Renew certificate" and confirm with your PIN and an e-mailed security code, or with a passkey.`;
  return {
    subject: `Sijil digital anda tamat tempoh dalam ${daysLeft} hari / Your digital certificate expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`,
    text: `${ms}\n\n---\n\n${en}\n\n-- RoamSign`,
  };
}

/**
 * The lifecycle job's expiry notices: every active officer whose newest certificate (valid, not
 * revoked) ends within 30, 7 or 1 days gets that threshold's notice once, by e-mail and on GPKI
 * Mobile. Idempotent across runs and nodes: a notice is claimed (renewal_notices, one row per
 * certificate and threshold) before it is sent, and the claim is given back if the e-mail fails.
 * A run that finds a certificate already within 7 days sends the 7-day notice only, not the 30-day one too.
 */
export async function sendRenewalNotices(deps: RenewalNoticeDeps, at: number = deps.now()): Promise<RenewalNoticeSent[]> {
  const { db, audit, notices, pushHub, config } = deps;
  const { certificates, officers, renewalNotices } = db.t;
  const due = await db.orm
    .select({ serial: certificates.serial, nric: certificates.nric, notAfter: certificates.notAfter, email: officers.email })
    .from(certificates)
    .innerJoin(officers, eq(officers.nric, certificates.nric))
    .where(
      and(
        isNull(certificates.revokedAt),
        gt(certificates.notAfter, at),
        lte(certificates.notAfter, at + RENEWAL_NOTICE_DAYS[0] * DAY_MS),
        eq(officers.status, 'active'),
      ),
    );
  const sent: RenewalNoticeSent[] = [];
  for (const cert of due) {
    const days = noticeThreshold(cert.notAfter - at);
    if (days === null) continue;
    // An officer who renewed already holds a newer certificate: the old one's notices are moot.
    if ((await latestCertificate(db, cert.nric))?.serial !== cert.serial) continue;
    const id = `${cert.serial}:${days}`;
    const claimed = await db.orm
      .insert(renewalNotices)
      .values({ id, serial: cert.serial, nric: cert.nric, days, notAfter: cert.notAfter, sentAt: at })
      .onConflictDoNothing()
      .returning({ id: renewalNotices.id });
    if (claimed.length === 0) continue;
    const { subject, text } = renewalNoticeText(cert.notAfter, at, config.publicUrl);
    try {
      await notices.send({ nric: cert.nric, to: cert.email, subject, text });
    } catch (error) {
      await db.orm.delete(renewalNotices).where(eq(renewalNotices.id, id));
      throw error;
    }
    // GPKI Mobile: best effort beside the e-mail (no device, or no ack in time, is not a failure).
    const pushed = await pushHub.deliver(cert.nric, { subject, text, requestId: `renewal_${days}d` }).catch(() => false);
    await audit.append({ actor: 'system', action: 'certificate.renewal_notice', subject: cert.nric, details: { serial: cert.serial, days, notAfter: new Date(cert.notAfter).toISOString(), pushed } });
    sent.push({ nric: cert.nric, serial: cert.serial, days, pushed });
  }
  return sent;
}

/** What the portal banner says of an officer's certificate: null when it is not within 30 days of its end. */
export function renewalDue(certificate: { notAfter: number; revoked: boolean } | null, at: number): { daysLeft: number; notAfter: number; expired: boolean } | null {
  if (!certificate || certificate.revoked) return null;
  const left = certificate.notAfter - at;
  if (left > RENEWAL_NOTICE_DAYS[0] * DAY_MS) return null;
  return { daysLeft: Math.max(0, Math.ceil(left / DAY_MS)), notAfter: certificate.notAfter, expired: left <= 0 };
}
