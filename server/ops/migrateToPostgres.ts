import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { asc, getTableColumns, sql, type Column } from 'drizzle-orm';
import { createAuditLog, type ChainCheck } from '../audit/auditLog.js';
import type { Db, Tables } from '../db/database.js';
import { deriveKey } from '../vault/masterKey.js';

type TableName = keyof Tables;

export interface MigrationReport {
  /** Rows copied per table, in the order copied. */
  tables: { name: string; rows: number }[];
  sourceChain: ChainCheck;
  targetChain: ChainCheck;
}

/** Rows read and written per statement. */
const BATCH = 500;

/** Every table, parents before children (foreign keys), from the PostgreSQL schema. */
function copyOrder(tables: Tables): TableName[] {
  const names = Object.keys(tables) as TableName[];
  const byTable = new Map(names.map((name) => [getTableConfig(tables[name] as PgTable).name, name] as const));
  const parents = new Map(
    names.map((name) => [
      name,
      getTableConfig(tables[name] as PgTable)
        .foreignKeys.map((fk) => byTable.get(getTableConfig(fk.reference().foreignTable).name)!)
        .filter((parent) => parent !== name),
    ]),
  );
  const order: TableName[] = [];
  const visit = (name: TableName) => {
    if (order.includes(name)) return;
    for (const parent of parents.get(name) ?? []) visit(parent);
    order.push(name);
  };
  names.forEach(visit);
  return order;
}

/**
 * Copies a SQLite data folder's database into an empty PostgreSQL database (issue 10:
 * `roamsign migrate-to-postgres`), table by table in foreign-key order and in batches, then checks
 * that every table has as many rows on both sides and that both audit chains verify under the
 * folder's master key (the chain is copied, never rewritten). The SQLite file is left as it was.
 */
export async function migrateToPostgres(options: { source: Db; target: Db; masterKey: Buffer; onTable?: (name: string, rows: number) => void }): Promise<MigrationReport> {
  const { source, target } = options;
  if (source.dialect !== 'sqlite' || target.dialect !== 'postgres') throw new Error('migrate-to-postgres copies a SQLite database into a PostgreSQL one');
  const order = copyOrder(target.t);
  for (const name of order) {
    const [row] = await target.orm.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(target.t[name] as PgTable);
    if ((row?.n ?? 0) > 0) throw new Error(`the PostgreSQL database is not empty (table ${getTableConfig(target.t[name] as PgTable).name} has rows): migrate into a new database`);
  }

  const copied: { name: string; rows: number }[] = [];
  await target.transaction(async () => {
    for (const name of order) {
      const from = source.t[name] as PgTable;
      const to = target.t[name] as PgTable;
      const primary = Object.values(getTableColumns(from) as Record<string, Column>).filter((c) => c.primary);
      // A table without a single-column primary key is ordered by all its columns.
      const ordering = (primary.length ? primary : Object.values(getTableColumns(from) as Record<string, Column>)).map((c) => asc(c));
      let rows = 0;
      for (let offset = 0; ; offset += BATCH) {
        // Ordered by the primary key so that batches neither skip nor repeat rows.
        const page = await source.orm
          .select()
          .from(from)
          .orderBy(...ordering)
          .limit(BATCH)
          .offset(offset);
        if (page.length === 0) break;
        await target.orm.insert(to).values(page as never[]);
        rows += page.length;
        if (page.length < BATCH) break;
      }
      copied.push({ name: getTableConfig(to).name, rows });
      options.onTable?.(getTableConfig(to).name, rows);
    }
    // Identity columns go on from the copied ids.
    for (const name of order) {
      const table = getTableConfig(target.t[name] as PgTable);
      for (const column of table.columns.filter((c) => c.generatedIdentity)) {
        await target.orm.execute(
          sql`select setval(pg_get_serial_sequence(${table.name}, ${column.name}), greatest(coalesce((select max(${sql.identifier(column.name)}) from ${sql.identifier(table.name)}), 0), 1))`,
        );
      }
    }
  });

  for (const { name, rows } of copied) {
    const counted = await target.get<{ n: number }>(`select count(*) as n from "${name}"`);
    if (counted?.n !== rows) throw new Error(`table ${name}: ${rows} rows copied, ${counted?.n ?? 0} found`);
  }
  const key = deriveKey(options.masterKey, 'audit-chain');
  const sourceChain = await createAuditLog({ db: source, key, now: Date.now }).verify();
  const targetChain = await createAuditLog({ db: target, key, now: Date.now }).verify();
  return { tables: copied, sourceChain, targetChain };
}
