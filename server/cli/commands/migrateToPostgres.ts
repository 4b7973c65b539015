import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE } from '../../dataFolder.js';
import { dialectOf, openDb } from '../../db/database.js';
import { parseConfig } from '../../env.js';
import { migrateToPostgres as copyToPostgres } from '../../ops/migrateToPostgres.js';
import { loadOrCreateMasterKey } from '../../vault/masterKey.js';
import { defineCommand, UsageError } from '../command.js';

export const migrateToPostgres = defineCommand({
  name: 'migrate-to-postgres',
  args: ['<postgres://…>'],
  options: {},
  description:
    "copy this data folder's SQLite database into an empty PostgreSQL database (then run every node with ROAMSIGN_DATABASE_URL set to it and this folder's master.key); checks row counts and both audit chains",
  parse: ([url]) => {
    if (dialectOf(url!) !== 'postgres') throw new UsageError(`${JSON.stringify(url)} is not a postgres:// URL`);
    if (process.env.ROAMSIGN_DATABASE_URL) throw new UsageError("unset ROAMSIGN_DATABASE_URL: the source is the data folder's SQLite database");
    return { url: url! };
  },
  run: async ({ url }) => {
    const config = parseConfig(process.env, { requireSmtp: false });
    const file = path.join(config.dataDir, DB_FILE);
    if (!fs.existsSync(file) || !fs.existsSync(path.join(config.dataDir, 'master.key'))) {
      console.error(`no RoamSign data in ${config.dataDir} (ROAMSIGN_DATA_DIR): nothing to migrate`);
      return 1;
    }
    const source = await openDb(file);
    const target = await openDb(url);
    try {
      const report = await copyToPostgres({
        source,
        target,
        masterKey: loadOrCreateMasterKey(config.dataDir),
        onTable: (name, rows) => console.log(`${name}: ${rows} rows`),
      });
      const chains = `audit chain: ${report.sourceChain.ok ? 'ok' : 'BROKEN'} in SQLite (${report.sourceChain.entries} entries), ${report.targetChain.ok ? 'ok' : 'BROKEN'} in PostgreSQL (${report.targetChain.entries} entries)`;
      console.log(chains);
      if (!report.sourceChain.ok || !report.targetChain.ok || report.sourceChain.entries !== report.targetChain.entries) return 1;
      console.log(`migrated: run every node with ROAMSIGN_DATABASE_URL=${url.replace(/\/\/[^@/]*@/, '//…@')} and this folder's master.key`);
      return 0;
    } catch (error) {
      console.error(`migration refused: ${(error as Error).message}`);
      return 1;
    } finally {
      await source.close();
      await target.close();
    }
  },
});
