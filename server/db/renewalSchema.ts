import type { ColumnKit } from './columnKit.js';

// Certificate renewal (issue 21): the expiry notices already sent, so the lifecycle job sends each
// once. Times are Unix milliseconds (`ms`). Declared once for both dialects (tables.ts gathers every area).

/** One expiry notice (30, 7 or 1 days before) of one certificate. */
export function renewalTables(k: ColumnKit) {
  const { table, text, ms, integer, index } = k;

  const renewalNotices = table(
    'renewal_notices',
    {
      /** `<serial>:<days>`: a notice is sent once per certificate and threshold. */
      id: text('id').primaryKey(),
      serial: text('serial').notNull(),
      nric: text('nric').notNull(),
      days: integer('days').notNull(),
      /** The certificate's end of validity, as the notice announced it. */
      notAfter: ms('not_after').notNull(),
      sentAt: ms('sent_at').notNull(),
    },
    (t) => [index('renewal_notices_nric').on(t.nric, t.sentAt)],
  );

  return { renewalNotices };
}
