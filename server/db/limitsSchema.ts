import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// Budgets an attacker cannot spend for the officer (issue 9, docs/security.md). Times are Unix milliseconds.

/**
 * One use of a budget: a message sent, a password tried. A budget (its key: what is counted, for
 * whom, by which kind of caller) allows `limit` hits in any window of its length: a sliding log,
 * so the bound is exact. Rows older than the longest window are swept.
 */
export const limitHits = sqliteTable(
  'limit_hits',
  {
    id: text('id').primaryKey(),
    key: text('key').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('limit_hits_key_at').on(t.key, t.at), index('limit_hits_at').on(t.at)],
);

/**
 * OWASP's device cookie: a browser (its random cookie, stored as SHA-256) that once proved to be
 * `subject` (`officer:<nric>`, `admin:<nric>`) by a full sign-in or signature keeps its own budget.
 */
export const trustedDevices = sqliteTable(
  'trusted_devices',
  {
    deviceHash: text('device_hash').notNull(),
    subject: text('subject').notNull(),
    createdAt: integer('created_at').notNull(),
    lastSuccessAt: integer('last_success_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceHash, t.subject] })],
);
