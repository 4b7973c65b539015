import { defineConfig } from 'drizzle-kit';

// PostgreSQL (ROAMSIGN_DATABASE_URL=postgres://…): the same tables as drizzle.config.ts's SQLite schema.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./server/db/pgSchema.ts'],
  out: './server/db/migrations-pg',
});
