import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import type { Mailer } from './mailer.js';
import { maskEmail } from './mask.js';

export type Channel = 'push' | 'email';

export interface Recipient {
  nric: string;
  email: string;
}

export interface OtpDelivery {
  recipient: Recipient;
  preferred: Channel | undefined;
  subject: string;
  text: string;
  otp: string;
  requestId: string;
}

/**
 * The seam for GPKI Mobile push: the device registry answers which device is active and delivers
 * to it. Until devices can be registered, `noDevices` is the registry: every officer gets e-mail.
 */
export interface PushChannel {
  activeDevice(nric: string): Promise<{ destination: string } | null>;
  deliver(nric: string, message: { subject: string; text: string; requestId: string }): Promise<boolean>;
}

export const noDevices: PushChannel = {
  activeDevice: async () => null,
  deliver: async () => false,
};

export interface OutboxMessage {
  to: string;
  channel: Channel;
  subject: string;
  text: string;
  otp: string | null;
  requestId: string | null;
  sentAt: string;
}

export interface Outbox {
  /** Sends an OTP message: push to the active device if any (and asked for), else e-mail. */
  deliverOtp(delivery: OtpDelivery): Promise<{ channel: Channel; destination: string }>;
  /** Which channel and masked destination a delivery would use, without sending. */
  route(recipient: Recipient, preferred: Channel | undefined): Promise<{ channel: Channel; destination: string }>;
  /** Sandbox only: messages to an nric or address, newest first. */
  list(to: string, limit?: number): Promise<OutboxMessage[]>;
}

export function createOutbox(options: {
  db: Db;
  mailer: Mailer;
  push: PushChannel;
  sandbox: boolean;
  now: () => number;
}): Outbox {
  const { db, mailer, push, sandbox, now } = options;

  const { outbox } = db.t;

  async function route(recipient: Recipient, preferred: Channel | undefined) {
    const device = preferred === 'email' ? null : await push.activeDevice(recipient.nric);
    return device
      ? { channel: 'push' as const, destination: device.destination }
      : { channel: 'email' as const, destination: maskEmail(recipient.email) };
  }

  // `nric = ? or address = ?` made SQLite collect and sort every message the officer ever got;
  // each index walked newest-first stops after `limit` rows.
  const newestTo = (column: typeof outbox.nric | typeof outbox.address, to: string, limit: number) =>
    db.orm.select().from(outbox).where(eq(column, to)).orderBy(desc(outbox.id)).limit(limit);

  async function keep(address: string, channel: Channel, d: OtpDelivery) {
    if (!sandbox) return;
    await db.orm.insert(outbox).values({ nric: d.recipient.nric, address, channel, subject: d.subject, text: d.text, otp: d.otp, requestId: d.requestId, sentAt: now() });
  }

  return {
    route,

    async deliverOtp(d) {
      const chosen = await route(d.recipient, d.preferred);
      if (chosen.channel === 'push' && (await push.deliver(d.recipient.nric, { subject: d.subject, text: d.text, requestId: d.requestId }))) {
        await keep(d.recipient.nric, 'push', d);
        return chosen;
      }
      await mailer.send({ to: d.recipient.email, subject: d.subject, text: d.text });
      await keep(d.recipient.email, 'email', d);
      return { channel: 'email', destination: maskEmail(d.recipient.email) };
    },

    async list(to, limit = 50) {
      // Rows matching `nric = to or address = to`, newest first: the two newest-first lists merged.
      const rows = await newestTo(outbox.nric, to, limit);
      const seen = new Set(rows.map((row) => row.id));
      for (const row of await newestTo(outbox.address, to, limit)) if (!seen.has(row.id)) rows.push(row);
      rows.sort((a, b) => b.id - a.id);
      return rows
        .slice(0, limit)
        .map((row) => ({
          to: row.address,
          channel: row.channel,
          subject: row.subject,
          text: row.text,
          otp: row.otp,
          requestId: row.requestId,
          sentAt: new Date(row.sentAt).toISOString(),
        }));
    },
  };
}
