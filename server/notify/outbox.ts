import { desc, eq, sql } from 'drizzle-orm';
import { columnPlaceholders, type Db } from '../db/client.js';
import { outbox } from '../db/schema.js';
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
  activeDevice(nric: string): { destination: string } | null;
  deliver(nric: string, message: { subject: string; text: string; requestId: string }): Promise<boolean>;
}

export const noDevices: PushChannel = {
  activeDevice: () => null,
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
  route(recipient: Recipient, preferred: Channel | undefined): { channel: Channel; destination: string };
  /** Sandbox only: messages to an nric or address, newest first. */
  list(to: string, limit?: number): OutboxMessage[];
}

export function createOutbox(options: {
  db: Db;
  mailer: Mailer;
  push: PushChannel;
  sandbox: boolean;
  now: () => number;
}): Outbox {
  const { db, mailer, push, sandbox, now } = options;

  function route(recipient: Recipient, preferred: Channel | undefined) {
    const device = preferred === 'email' ? null : push.activeDevice(recipient.nric);
    return device
      ? { channel: 'push' as const, destination: device.destination }
      : { channel: 'email' as const, destination: maskEmail(recipient.email) };
  }

  // Prepared once. `nric = ? or address = ?` made SQLite collect and sort every message the
  // officer ever got; each index walked newest-first stops after `limit` rows.
  const newestTo = (column: typeof outbox.nric | typeof outbox.address) =>
    db.select().from(outbox).where(eq(column, sql.placeholder('to'))).orderBy(desc(outbox.id)).limit(sql.placeholder('limit')).prepare();
  const byNric = newestTo(outbox.nric);
  const byAddress = newestTo(outbox.address);
  const insert = db.insert(outbox).values(columnPlaceholders(outbox, ['id'])).prepare();

  function keep(address: string, channel: Channel, d: OtpDelivery) {
    if (!sandbox) return;
    insert.run({ nric: d.recipient.nric, address, channel, subject: d.subject, text: d.text, otp: d.otp, requestId: d.requestId, sentAt: now() });
  }

  return {
    route,

    async deliverOtp(d) {
      const chosen = route(d.recipient, d.preferred);
      if (chosen.channel === 'push' && (await push.deliver(d.recipient.nric, { subject: d.subject, text: d.text, requestId: d.requestId }))) {
        keep(d.recipient.nric, 'push', d);
        return chosen;
      }
      await mailer.send({ to: d.recipient.email, subject: d.subject, text: d.text });
      keep(d.recipient.email, 'email', d);
      return { channel: 'email', destination: maskEmail(d.recipient.email) };
    },

    list(to, limit = 50) {
      // Rows matching `nric = to or address = to`, newest first: the two newest-first lists merged.
      const rows = byNric.all({ to, limit });
      const seen = new Set(rows.map((row) => row.id));
      for (const row of byAddress.all({ to, limit })) if (!seen.has(row.id)) rows.push(row);
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
