import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzleBetterSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzleSqliteProxy } from 'drizzle-orm/sqlite-proxy';
import pg from 'pg';
import * as pgSchema from './pgSchema.js';
import * as sqliteSchema from './sqliteSchema.js';
import type { Tables } from './tables.js';

export type Dialect = 'sqlite' | 'postgres';
/** The tables, typed as PostgreSQL's; on SQLite the same names hold the SQLite tables (tables.ts: one declaration, two builds). */
export type { Tables };
/** The drizzle query builder every module uses; on SQLite it runs over the SQLite tables. */
export type Orm = PgDatabase<PgQueryResultHKT, Tables>;
export type Row = Record<string, unknown>;

/**
 * The one data-access layer over SQLite (embedded default) or PostgreSQL (several nodes).
 *
 * Inside `transaction(fn)`, every query made through this object in fn's async context joins that
 * transaction (AsyncLocalStorage), so domain functions need not pass a transaction handle around;
 * a nested `transaction` joins the outer one.
 */
export interface Db {
  readonly dialect: Dialect;
  readonly t: Tables;
  /** Query builder: the current transaction's inside `transaction`, else the pool's. */
  readonly orm: Orm;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  inTransaction(): boolean;
  /**
   * A value kept for the rest of the current transaction under `key`, made by `init` on first use;
   * `init` may register `onCommit`, which runs inside the transaction just before it commits
   * (the audit chain writes there, so its lock is always the last one a transaction takes).
   */
  txLocal<T>(key: string, init: (onCommit: (hook: () => Promise<void>) => void) => T): T;
  /**
   * Serialises transactions that take the same key until they end, across nodes: a PostgreSQL
   * transaction-scoped advisory lock. SQLite transactions are serial already (one writer).
   */
  lock(key: string): Promise<void>;
  /** Portable raw SQL with `?` placeholders (tests, EXPLAIN, maintenance); rows as column-named objects. */
  all<T extends Row = Row>(text: string, ...params: unknown[]): Promise<T[]>;
  get<T extends Row = Row>(text: string, ...params: unknown[]): Promise<T | undefined>;
  run(text: string, ...params: unknown[]): Promise<number>;
  /** The SQLite connection (checkpointer, tests); undefined on PostgreSQL. */
  readonly sqlite: Database.Database | undefined;
  /** The PostgreSQL pool (LISTEN/NOTIFY); undefined on SQLite. */
  readonly pool: pg.Pool | undefined;
  close(): Promise<void>;
}

interface TxContext {
  orm: Orm | null;
  done: boolean;
  hooks: Array<() => Promise<void>>;
  locals: Map<string, unknown>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const SQLITE_MIGRATIONS = path.join(here, 'migrations');
const PG_MIGRATIONS = path.join(here, 'migrations-pg');
/** The PostgreSQL tables (typed: a table missing from pgSchema.ts's exports does not compile). */
export const pgTables: Tables = pgSchema;
/** The SQLite tables under the same names (typed as PostgreSQL's: columnKit.ts says why that holds). */
export const sqliteTables: Tables = sqliteSchema;

/** `postgres://…` selects PostgreSQL; anything else is a SQLite file path. */
export function dialectOf(location: string): Dialect {
  return /^postgres(ql)?:\/\//.test(location) ? 'postgres' : 'sqlite';
}

export async function openDb(location: string): Promise<Db> {
  return dialectOf(location) === 'postgres' ? openPostgres(location) : openSqlite(location);
}

async function runHooks(ctx: TxContext): Promise<void> {
  for (const hook of ctx.hooks) await hook();
}

function txLocalOf<T>(ctx: TxContext | undefined, key: string, init: (onCommit: (hook: () => Promise<void>) => void) => T): T {
  if (!ctx || ctx.done) throw new Error('txLocal outside a transaction');
  if (!ctx.locals.has(key)) ctx.locals.set(key, init((hook) => ctx.hooks.push(hook)));
  return ctx.locals.get(key) as T;
}

// ---------------------------------------------------------------- SQLite

/**
 * SQLite through drizzle's async proxy driver over one better-sqlite3 connection. One connection has
 * one transaction at a time, so a transaction holds a gate: statements from other async contexts wait
 * until it ends instead of slipping into it.
 */
function openSqlite(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // New files only (an existing file keeps its page size): a signature row holds a ~2.3 KB CMS, so
  // 8 KiB pages hold three rows where 4 KiB pages held one.
  sqlite.pragma('page_size = 8192');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  migrateSqlite(drizzleBetterSqlite(sqlite), { migrationsFolder: SQLITE_MIGRATIONS });

  const als = new AsyncLocalStorage<TxContext>();
  let holder: TxContext | null = null;
  let wakers: Array<() => void> = [];
  const waitForGate = () => new Promise<void>((resolve) => wakers.push(resolve));
  function openGate() {
    holder = null;
    const woken = wakers;
    wakers = [];
    for (const wake of woken) wake();
  }
  async function passGate(): Promise<void> {
    const mine = als.getStore();
    while (holder !== null && holder !== mine) await waitForGate();
  }

  const statements = new Map<string, Database.Statement>();
  function statement(text: string): Database.Statement {
    let stmt = statements.get(text);
    if (!stmt) {
      stmt = sqlite.prepare(text);
      if (statements.size > 500) statements.clear(); // bounded: ad-hoc SQL must not grow it forever
      statements.set(text, stmt);
    }
    return stmt;
  }

  const proxy = drizzleSqliteProxy(async (text, params, method) => {
    await passGate();
    const stmt = statement(text);
    if (!stmt.reader) {
      stmt.run(...params);
      return { rows: [] };
    }
    stmt.raw(true);
    if (method === 'get') return { rows: stmt.get(...params) as unknown[] };
    return { rows: stmt.all(...params) as unknown[] };
  });
  const root = proxy as unknown as Orm;

  async function rawObjects(text: string, params: unknown[]): Promise<Row[] | number> {
    await passGate();
    const stmt = statement(text);
    if (!stmt.reader) return stmt.run(...params).changes;
    stmt.raw(false);
    return stmt.all(...params) as Row[];
  }

  const db: Db = {
    dialect: 'sqlite',
    t: sqliteTables,
    sqlite,
    pool: undefined,
    get orm() {
      const ctx = als.getStore();
      return ctx && !ctx.done && ctx.orm ? ctx.orm : root;
    },
    async transaction(fn) {
      const outer = als.getStore();
      if (outer && !outer.done) return fn();
      const ctx: TxContext = { orm: null, done: false, hooks: [], locals: new Map() };
      while (holder !== null) await waitForGate();
      holder = ctx;
      try {
        return await als.run(ctx, () =>
          proxy.transaction(
            async (tx) => {
              ctx.orm = tx as unknown as Orm;
              const result = await fn();
              await runHooks(ctx);
              return result;
            },
            { behavior: 'immediate' },
          ),
        );
      } finally {
        ctx.done = true;
        openGate();
      }
    },
    inTransaction() {
      const ctx = als.getStore();
      return ctx !== undefined && !ctx.done;
    },
    txLocal(key, init) {
      return txLocalOf(als.getStore(), key, init);
    },
    async lock() {
      // One writer at a time already: BEGIN IMMEDIATE plus the gate.
    },
    async all<T extends Row>(text: string, ...params: unknown[]) {
      const rows = await rawObjects(text, params);
      return (typeof rows === 'number' ? [] : rows) as T[];
    },
    async get<T extends Row>(text: string, ...params: unknown[]) {
      const rows = await rawObjects(text, params);
      return (typeof rows === 'number' ? undefined : rows[0]) as T | undefined;
    },
    async run(text, ...params) {
      const result = await rawObjects(text, params);
      return typeof result === 'number' ? result : result.length;
    },
    async close() {
      // A transaction still in flight (a request racing the shutdown) ends first.
      while (holder !== null) await waitForGate();
      sqlite.close();
    },
  };
  return db;
}

// ---------------------------------------------------------------- PostgreSQL

// bigint (our millisecond times, count(*)) and numeric (sum()) as JavaScript numbers: every value we
// keep is far below 2^53. json stays text, as in SQLite: drizzle's json columns parse it themselves,
// and raw SQL sees the same value on both. Set on node-postgres's shared parsers, because drizzle
// passes those with every query (a pool's own `types` would be ignored).
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_JSON = 114;
pg.types.setTypeParser(PG_INT8, (value: string) => Number(value));
pg.types.setTypeParser(PG_NUMERIC, (value: string) => Number(value));
pg.types.setTypeParser(PG_JSON, (value: string) => value);

/** Session advisory-lock key of the migration step, so nodes starting together migrate once. */
const MIGRATION_LOCK = 727_001;

/** PostgreSQL's numbered placeholders for portable `?` SQL. */
function toPgSql(text: string, params: unknown[]): SQL {
  const parts = text.split('?');
  if (parts.length - 1 !== params.length) throw new Error(`expected ${parts.length - 1} parameters, got ${params.length}`);
  const chunks: SQL[] = [sql.raw(parts[0]!)];
  params.forEach((param, i) => chunks.push(sql`${param}`, sql.raw(parts[i + 1]!)));
  return sql.join(chunks);
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock detected
const MAX_ATTEMPTS = 3;

async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migratePg(drizzlePg(client), { migrationsFolder: PG_MIGRATIONS });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }

  const root = drizzlePg(pool, { schema: pgTables }) as unknown as Orm;
  const als = new AsyncLocalStorage<TxContext>();
  const current = () => {
    const ctx = als.getStore();
    return ctx && !ctx.done && ctx.orm ? ctx.orm : root;
  };

  async function raw(text: string, params: unknown[]) {
    return current().execute(toPgSql(text, params)) as unknown as Promise<pg.QueryResult<Row>>;
  }

  const db: Db = {
    dialect: 'postgres',
    t: pgTables,
    sqlite: undefined,
    pool,
    get orm() {
      return current();
    },
    async transaction(fn) {
      const outer = als.getStore();
      if (outer && !outer.done) return fn();
      for (let attempt = 1; ; attempt++) {
        const ctx: TxContext = { orm: null, done: false, hooks: [], locals: new Map() };
        try {
          return await als.run(ctx, () =>
            root.transaction(async (tx) => {
              ctx.orm = tx as unknown as Orm;
              const result = await fn();
              await runHooks(ctx);
              return result;
            }),
          );
        } catch (error) {
          // A deadlock or serialization victim did nothing: run it again.
          const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
          if (!RETRYABLE.has(code ?? '') || attempt >= MAX_ATTEMPTS) throw error;
        } finally {
          ctx.done = true;
        }
      }
    },
    inTransaction() {
      const ctx = als.getStore();
      return ctx !== undefined && !ctx.done;
    },
    txLocal(key, init) {
      return txLocalOf(als.getStore(), key, init);
    },
    async lock(key) {
      if (!db.inTransaction()) throw new Error('lock() outside a transaction');
      await current().execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    },
    async all<T extends Row>(text: string, ...params: unknown[]) {
      return (await raw(text, params)).rows as T[];
    },
    async get<T extends Row>(text: string, ...params: unknown[]) {
      return (await raw(text, params)).rows[0] as T | undefined;
    },
    async run(text, ...params) {
      return (await raw(text, params)).rowCount ?? 0;
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}
