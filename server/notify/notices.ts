import type { Db } from '../db/database.js';
import type { Mailer } from './mailer.js';

export interface Notice {
  /** The officer or administrator it concerns (the sandbox outbox is searched by it). */
  nric: string | null;
  to: string;
  subject: string;
  text: string;
  /** A one-time code the message carries, kept in the sandbox outbox for testers. */
  code?: string;
}

export interface Notices {
  /** Sends an e-mail that is not a signing OTP (verification link, sign-in code, approval …). */
  send(notice: Notice): Promise<void>;
}

/** E-mail notices through the same mailer as OTPs; sandbox mode keeps a copy in the outbox. */
export function createNotices(options: { db: Db; mailer: Mailer; sandbox: boolean; now: () => number }): Notices {
  const { db, mailer, sandbox, now } = options;
  return {
    async send(notice) {
      await mailer.send({ to: notice.to, subject: notice.subject, text: notice.text });
      if (sandbox) {
        await db.orm
          .insert(db.t.outbox)
          .values({ nric: notice.nric, address: notice.to, channel: 'email', subject: notice.subject, text: notice.text, otp: notice.code ?? null, requestId: null, sentAt: now() });
      }
    },
  };
}
