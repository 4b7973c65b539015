import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// Coordination between server processes (issue 10). Times are Unix milliseconds.

/** Settings every node must agree on (for now: the check value of the shared master key). */
export const clusterSettings = sqliteTable('cluster_settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/** A named lease: the one node (holder) that may run a cluster-wide job until `expiresAt`. */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at').notNull(),
});
