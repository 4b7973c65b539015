import { spawnSync } from 'node:child_process';
import path from 'node:path';

const tsx = path.resolve('node_modules/.bin/tsx');

/**
 * Runs the ops CLI (`npm run roamsign -- …`) in a child process on a test server's data (its `env`:
 * the data folder, and the PostgreSQL URL when the server runs on PostgreSQL), sandbox off.
 */
export function cli(dataEnv: Record<string, string>, args: string[], env: Record<string, string> = {}): { code: number | null; out: string } {
  const run = spawnSync(tsx, ['server/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ROAMSIGN_DATABASE_URL: '', ...dataEnv, ROAMSIGN_SANDBOX: '', ...env },
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

/** CLI tests spawn several processes, each compiling the CLI: a minute and more on two busy cores. */
export const CLI_TEST_TIMEOUT_MS = 180_000;
