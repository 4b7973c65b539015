import { defineConfig } from 'drizzle-kit';

// SQLite (the embedded default): the tables of server/db/tables.ts, built with the SQLite column kit.
export default defineConfig({
  dialect: 'sqlite',
  schema: ['./server/db/sqliteSchema.ts'],
  out: './server/db/migrations',
});
