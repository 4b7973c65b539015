import { defineConfig } from 'vitest/config';
import { DEFAULT_PG_ADMIN_URL } from './tests/helpers/testDatabase.js';

// Server tests that need SQLite itself (its WAL checkpointer, its file on disk) run in the sqlite project only.
const SQLITE_ONLY = ['tests/server/db/checkpointer.test.ts', 'tests/server/backup/drill.test.ts'];

export default defineConfig({
  test: {
    // Browser flows on two loaded cores can take tens of seconds; a hung test still fails, later.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites start servers and Chromium; two cores, so at most two files at once.
    maxWorkers: 2,
    reporters: ['default', './tests/helpers/countReporter.ts'],
    globalSetup: ['./tests/helpers/pgGlobalSetup.ts'],
    projects: [
      // Everything, on the embedded default (SQLite).
      { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts'], exclude: ['tests/cluster/**'] } },
      // DESIGN.md "Storage and scale": every server test again on PostgreSQL, one fresh database per test server.
      {
        extends: true,
        test: {
          name: 'postgres',
          // tests/cluster: several server processes on one database, which only PostgreSQL serves.
          include: ['tests/server/**/*.test.ts', 'tests/cluster/**/*.test.ts'],
          exclude: SQLITE_ONLY,
          env: { ROAMSIGN_TEST_DATABASE: DEFAULT_PG_ADMIN_URL },
        },
      },
    ],
  },
});
