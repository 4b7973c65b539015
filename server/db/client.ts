import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { getTableColumns, sql, type Placeholder, type Table } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as clientsSchema from './clientsSchema.js';
import * as enrolmentSchema from './enrolmentSchema.js';
import * as coreSchema from './schema.js';

const schema = { ...coreSchema, ...enrolmentSchema, ...clientsSchema };

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Opens (creating if needed) the SQLite database in WAL mode and applies pending migrations. */
export function openDb(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // New files only (an existing file keeps its page size): a signature row holds a ~2.3 KB CMS, so
  // 4 KiB pages held one row each; 8 KiB pages hold three, and a batch writes ~40 % fewer WAL frames.
  sqlite.pragma('page_size = 8192');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return db as Db;
}

/**
 * A memoised builder of prepared queries, one set per database connection. Drizzle builds and
 * SQLite prepares a query on every plain call; hot paths prepare theirs once with `sql.placeholder`.
 */
export function perConnection<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>();
  return (db) => {
    let value = built.get(db);
    if (value === undefined) {
      value = build(db);
      built.set(db, value);
    }
    return value;
  };
}

/**
 * Insert values that name every column of `table` (but `omit`) by a placeholder of the same name:
 * a prepared insert of whole rows, run with the row object itself. A missing value throws.
 */
export function columnPlaceholders<T extends Table, O extends keyof T['_']['columns'] = never>(
  table: T,
  omit: O[] = [],
): Record<Exclude<keyof T['_']['columns'], O>, Placeholder> {
  const names = Object.keys(getTableColumns(table)).filter((name) => !(omit as string[]).includes(name));
  return Object.fromEntries(names.map((name) => [name, sql.placeholder(name)])) as Record<Exclude<keyof T['_']['columns'], O>, Placeholder>;
}
