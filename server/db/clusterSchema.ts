import type { ColumnKit } from './columnKit.js';

// Coordination between server processes (issue 10). Times are Unix milliseconds (`ms`).
// Declared once for both dialects (columnKit.ts builds them; tables.ts gathers every area).

/** Cluster settings and leases. */
export function clusterTables(k: ColumnKit) {
  const { table, text, ms } = k;

  /** Settings every node must agree on (for now: the check value of the shared master key). */
  const clusterSettings = table('cluster_settings', {
    name: text('name').primaryKey(),
    value: text('value').notNull(),
  });

  /** A named lease: the one node (holder) that may run a cluster-wide job until `expiresAt`. */
  const leases = table('leases', {
    name: text('name').primaryKey(),
    holder: text('holder').notNull(),
    expiresAt: ms('expires_at').notNull(),
  });

  return { clusterSettings, leases };
}
