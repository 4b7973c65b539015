import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// Coordination between server processes (issue 10). Times are Unix milliseconds.

/** A named lease: the one node (holder) that may run a cluster-wide job until `expiresAt`. */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at').notNull(),
});
