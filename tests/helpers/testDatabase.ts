import crypto from 'node:crypto';
import pg from 'pg';

/**
 * Which database the server tests run on. Unset: SQLite in each server's temp folder. Set
 * ROAMSIGN_TEST_DATABASE=postgres://…/postgres (vitest.config.ts's `postgres` project does): every
 * test server gets a fresh PostgreSQL database of its own, dropped when the run ends
 * (tests/helpers/pgGlobalSetup.ts).
 */
export const TEST_PG_ADMIN_URL = process.env.ROAMSIGN_TEST_DATABASE;

/** The PostgreSQL server the `postgres` project uses unless ROAMSIGN_TEST_PG_URL names another. */
export const DEFAULT_PG_ADMIN_URL = process.env.ROAMSIGN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The prefix of this run's databases, shared with the global teardown through the environment. */
export function runPrefix(): string {
  return `rs_test_${process.env.ROAMSIGN_TEST_RUN ?? 'adhoc'}_`;
}

/** Creates an empty database for one test server and returns its URL; undefined on SQLite. */
export async function createTestDatabase(): Promise<string | undefined> {
  return TEST_PG_ADMIN_URL ? createDatabase(TEST_PG_ADMIN_URL) : undefined;
}

/** Creates an empty database named with this run's prefix on the server of `adminUrl`; returns its URL. */
export async function createDatabase(adminUrl: string): Promise<string> {
  const name = `${runPrefix()}${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops every database whose name starts with `prefix` (end of run). */
export async function dropTestDatabases(adminUrl: string, prefix: string): Promise<number> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    return rows.length;
  } finally {
    await admin.end();
  }
}
