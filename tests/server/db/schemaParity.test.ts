import fs from 'node:fs';
import path from 'node:path';
import { generateDrizzleJson, generateMigration, generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import { getTableColumns, getTableName, type Column, type Table } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { postgresColumns, sqliteColumns } from '../../../server/db/columnKit.js';
import * as pg from '../../../server/db/pgSchema.js';
import * as sqlite from '../../../server/db/sqliteSchema.js';
import { defineTables } from '../../../server/db/tables.js';

// One data-access layer over two dialects works only while the two builds of the one declaration
// (server/db/tables.ts) name the same tables and columns, with the same nullability and primary keys,
// and while each dialect's migrations hold exactly what its build declares.
const tablesOf = (module: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(module).filter(([, value]) => value !== null && typeof value === 'object' && getTableName(value as Table) !== undefined)) as Record<string, Table>;

function shape(table: Table) {
  return Object.fromEntries(
    Object.entries(getTableColumns(table) as Record<string, Column>).map(([key, column]) => [key, { name: column.name, notNull: column.notNull, primary: column.primary, default: column.default }]),
  );
}

const migrationsDir = path.join(import.meta.dirname, '../../../server/db');

/** The snapshot drizzle-kit wrote with the newest migration of a folder (what the database holds after migrating). */
function latestSnapshot(folder: string) {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsDir, folder, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number }[] };
  const last = journal.entries.at(-1)!.idx;
  return JSON.parse(fs.readFileSync(path.join(migrationsDir, folder, `meta/${String(last).padStart(4, '0')}_snapshot.json`), 'utf8'));
}

describe('the one table declaration, built for SQLite and PostgreSQL', () => {
  const sqliteTables = tablesOf(sqlite);
  const pgTables = tablesOf(pg);

  it('each dialect module exports every declared table (drizzle-kit reads only exports)', () => {
    const declared = Object.keys(defineTables(postgresColumns)).sort();
    expect(Object.keys(pgTables).sort()).toEqual(declared);
    expect(Object.keys(sqliteTables).sort()).toEqual(Object.keys(defineTables(sqliteColumns)).sort());
    expect(Object.keys(sqliteTables).sort()).toEqual(declared);
  });

  it('define the same tables under the same names', () => {
    for (const key of Object.keys(sqliteTables)) expect(getTableName(sqliteTables[key]!)).toBe(getTableName(pgTables[key]!));
  });

  it.each(Object.keys(tablesOf(pg)))('table %s has the same columns, nullability, defaults and primary key', (key) => {
    expect(shape(sqliteTables[key]!)).toEqual(shape(pgTables[key]!));
  });

  // A change to a table without its migration (or a kit that builds a column differently) fails here,
  // not at an operator's start-up: drizzle-kit finds nothing to migrate between the newest snapshot and the build.
  it('the SQLite build is exactly what server/db/migrations holds', async () => {
    const statements = await generateSQLiteMigration(latestSnapshot('migrations'), await generateSQLiteDrizzleJson(sqlite));
    expect(statements).toEqual([]);
  });

  it('the PostgreSQL build is exactly what server/db/migrations-pg holds', async () => {
    const statements = await generateMigration(latestSnapshot('migrations-pg'), generateDrizzleJson(pg));
    expect(statements).toEqual([]);
  });
});
