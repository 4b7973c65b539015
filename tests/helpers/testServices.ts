import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../server/app.js';
import { openDb, type Db } from '../../server/db/database.js';
import { parseConfig, type Config } from '../../server/env.js';
import { createServices, type Services } from '../../server/services.js';
import { createTestDatabase } from './testDatabase.js';

export interface TestServer {
  services: Services;
  app: ReturnType<typeof createApp>;
  config: Config;
  dataDir: string;
  /** Where its data lives: the SQLite file, or the PostgreSQL URL of its own database. */
  location: string;
  /** The environment that opens this same server's data: for the CLI and child processes. */
  env: Record<string, string>;
  /** Every line the server logged. */
  logs: string[];
  clock: { now: number; advance(ms: number): void };
  close(): Promise<void>;
}

/** Lines logged by every test server in this worker, for the no-secrets-in-logs check. */
export const allLogLines: string[] = [];

/** Each data folder's PostgreSQL database, so that a restart on the folder finds its data. */
const databaseOf = new Map<string, string>();

/**
 * A real server (SQLite or PostgreSQL, see testDatabase.ts; soft vault, CA, sandbox outbox, demo
 * officers) in a fresh temp folder, with a controllable clock. Pass `dataDir` to reopen an existing
 * one (a "restart").
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { dataDir?: string; realClock?: boolean; sqlite?: boolean } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-test-'));
  let databaseUrl = options.sqlite ? undefined : (env.ROAMSIGN_DATABASE_URL ?? databaseOf.get(dataDir));
  if (databaseUrl === undefined && !options.sqlite) {
    databaseUrl = await createTestDatabase();
    if (databaseUrl) databaseOf.set(dataDir, databaseUrl);
  }
  const fullEnv: Record<string, string> = {
    ROAMSIGN_DATA_DIR: dataDir,
    ROAMSIGN_SANDBOX: '1',
    ROAMSIGN_PUBLIC_URL: 'http://localhost:8787',
    // Cheap PIN verifier in tests; production default is 4096.
    ROAMSIGN_PIN_SCRYPT_N: '1024',
    ...(databaseUrl ? { ROAMSIGN_DATABASE_URL: databaseUrl } : {}),
    ...env,
  };
  const config = parseConfig(fullEnv);
  const clock = {
    now: Date.now(),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const logs: string[] = [];
  const services = await createServices(config, {
    now: options.realClock ? Date.now : () => clock.now,
    logSink: (line) => {
      logs.push(line);
      allLogLines.push(line);
    },
  });
  return {
    services,
    app: createApp(services),
    config,
    dataDir,
    location: databaseUrl ?? path.join(dataDir, 'roamsign.db'),
    env: { ROAMSIGN_DATA_DIR: dataDir, ...(databaseUrl ? { ROAMSIGN_DATABASE_URL: databaseUrl } : {}) },
    logs,
    clock,
    close: () => services.close(),
  };
}

/** Opens a test server's data on a connection of its own (for checks after the server is closed). */
export function reopenDb(server: Pick<TestServer, 'location'>): Promise<Db> {
  return openDb(server.location);
}

/** The application's tables (migration bookkeeping left out), on either dialect. */
export async function tableNames(db: Db): Promise<string[]> {
  const rows =
    db.dialect === 'sqlite'
      ? await db.all<{ name: string }>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'")
      : await db.all<{ name: string }>("select table_name as name from information_schema.tables where table_schema = 'public' and table_name not like '__drizzle%'");
  return rows.map((r) => r.name).sort();
}

/** A bare database for unit tests of one module: SQLite in `dir`, or a fresh PostgreSQL database. */
export async function openTestDb(dir: string): Promise<Db> {
  return openDb((await createTestDatabase()) ?? path.join(dir, 'db.sqlite'));
}
