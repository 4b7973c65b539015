import { clientsTables } from './clientsSchema.js';
import { clusterTables } from './clusterSchema.js';
import type { ColumnKit } from './columnKit.js';
import { enrolmentTables } from './enrolmentSchema.js';
import { limitsTables } from './limitsSchema.js';
import { passkeyTables } from './passkeySchema.js';
import { pdfTables } from './pdfSchema.js';
import { renewalTables } from './renewalSchema.js';
import { coreTables } from './schema.js';

/**
 * Every table of RoamSign, declared once (one file per area) and built with a dialect's column kit:
 * `defineTables(postgresColumns)` for PostgreSQL (pgSchema.ts), `defineTables(sqliteColumns)` for
 * SQLite (sqliteSchema.ts). Each dialect's migrations are generated from its module by drizzle-kit.
 */
export function defineTables(k: ColumnKit) {
  const core = coreTables(k);
  return {
    ...core,
    ...enrolmentTables(k, core),
    ...clusterTables(k),
    ...clientsTables(k, core),
    ...limitsTables(k),
    ...passkeyTables(k),
    ...pdfTables(k),
    ...renewalTables(k),
  };
}

/** The tables by their names in code (`db.t.officers`); typed as PostgreSQL's on both dialects. */
export type Tables = ReturnType<typeof defineTables>;
