import { defineConfig } from 'drizzle-kit';

// PostgreSQL (ROAMSIGN_DATABASE_URL=postgres://…): the same tables (server/db/tables.ts), built with the PostgreSQL column kit.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./server/db/pgSchema.ts'],
  out: './server/db/migrations-pg',
});
