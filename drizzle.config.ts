import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: ['./server/db/schema.ts', './server/db/enrolmentSchema.ts', './server/db/clusterSchema.ts', './server/db/clientsSchema.ts', './server/db/limitsSchema.ts', './server/db/passkeySchema.ts'],
  out: './server/db/migrations',
});
