import path from 'node:path';
import { checkRestored, restoreOk } from '../../backup/restoreBackup.js';
import { DB_FILE } from '../../dataFolder.js';
import { parseConfig } from '../../env.js';
import { defineCommand } from '../command.js';
import { restoreCheckLines } from '../restoreCheckLines.js';

export const restoreCheck = defineCommand({
  name: 'restore-check',
  args: [],
  options: {},
  description:
    "check restored data before serving it (after pg_restore on PostgreSQL): the data folder's master key matches the database and the audit chain verifies; exit 1 otherwise",
  parse: () => ({}),
  async run() {
    const config = parseConfig(process.env, { requireSmtp: false });
    const check = await checkRestored({ location: config.databaseUrl ?? path.join(config.dataDir, DB_FILE), dataDir: config.dataDir });
    for (const line of restoreCheckLines(check)) console.log(line);
    return restoreOk(check) ? 0 : 1;
  },
});
