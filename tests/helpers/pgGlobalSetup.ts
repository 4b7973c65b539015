import crypto from 'node:crypto';
import { DEFAULT_PG_ADMIN_URL, dropTestDatabases, runPrefix } from './testDatabase.js';

/**
 * vitest global setup: names this run (its test databases share the prefix) and, for the
 * PostgreSQL project, drops them all at the end, so a run leaves the server as it found it.
 */
export default function setup(): () => Promise<void> {
  process.env.ROAMSIGN_TEST_RUN ??= `${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;
  return async () => {
    // Nothing to drop when the run used no PostgreSQL; an unreachable server already failed its tests.
    await dropTestDatabases(DEFAULT_PG_ADMIN_URL, runPrefix()).catch(() => 0);
  };
}
