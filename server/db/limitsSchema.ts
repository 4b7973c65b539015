import type { ColumnKit } from './columnKit.js';

// Budgets an attacker cannot spend for the officer (issue 9, docs/security.md). Times are Unix milliseconds (`ms`).
// Declared once for both dialects (columnKit.ts builds them; tables.ts gathers every area).

/** Budget hits and trusted devices. */
export function limitsTables(k: ColumnKit) {
  const { table, text, ms, index, primaryKey } = k;

  /**
   * One use of a budget: a message sent, a password tried. A budget (its key: what is counted, for
   * whom, by which kind of caller) allows `limit` hits in any window of its length: a sliding log,
   * so the bound is exact. Rows older than the longest window are swept.
   */
  const limitHits = table(
    'limit_hits',
    {
      id: text('id').primaryKey(),
      key: text('key').notNull(),
      at: ms('at').notNull(),
    },
    (t) => [index('limit_hits_key_at').on(t.key, t.at), index('limit_hits_at').on(t.at)],
  );

  /**
   * OWASP's device cookie: a browser (its random cookie, stored as SHA-256) that once proved to be
   * `subject` (`officer:<nric>`, `admin:<nric>`) by a full sign-in or signature keeps its own budget.
   */
  const trustedDevices = table(
    'trusted_devices',
    {
      deviceHash: text('device_hash').notNull(),
      subject: text('subject').notNull(),
      createdAt: ms('created_at').notNull(),
      lastSuccessAt: ms('last_success_at').notNull(),
    },
    (t) => [primaryKey({ columns: [t.deviceHash, t.subject] })],
  );

  return { limitHits, trustedDevices };
}
