import { getTableColumns, getTableName, type Column, type Table } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sqliteTables } from '../../../server/db/database.js';
import * as pg from '../../../server/db/pgSchema.js';

// One data-access layer over two dialects works only while the two schemas name the same tables and
// columns, with the same nullability and primary keys (server/db/database.ts, pgSchema.ts).
const tablesOf = (module: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(module).filter(([, value]) => value !== null && typeof value === 'object' && getTableName(value as Table) !== undefined)) as Record<string, Table>;

function shape(table: Table) {
  return Object.fromEntries(
    Object.entries(getTableColumns(table) as Record<string, Column>).map(([key, column]) => [key, { name: column.name, notNull: column.notNull, primary: column.primary }]),
  );
}

describe('the SQLite and PostgreSQL schemas', () => {
  const sqlite = tablesOf(sqliteTables as unknown as Record<string, unknown>);
  const postgres = tablesOf(pg);

  it('define the same tables under the same names', () => {
    expect(Object.keys(sqlite).sort()).toEqual(Object.keys(postgres).sort());
    for (const key of Object.keys(sqlite)) expect(getTableName(sqlite[key]!)).toBe(getTableName(postgres[key]!));
  });

  it.each(Object.keys(tablesOf(pg)))('table %s has the same columns, nullability and primary key', (key) => {
    expect(shape(sqlite[key]!)).toEqual(shape(postgres[key]!));
  });
});
