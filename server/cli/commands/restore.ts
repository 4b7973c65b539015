import { BackupUnreadable } from '../../backup/backupFile.js';
import { restoreBackup, RestoreRefused, restoreOk } from '../../backup/restoreBackup.js';
import { defineCommand } from '../command.js';
import { readPassphrase } from '../readPassphrase.js';
import { restoreCheckLines } from '../restoreCheckLines.js';

export const restore = defineCommand({
  name: 'restore',
  args: ['<file>', '<folder>'],
  options: {
    'passphrase-file': { type: 'string', value: '<file>', help: 'read the passphrase from this file (default: ROAMSIGN_BACKUP_PASSPHRASE)' },
  },
  description:
    'restore a backup into a new data folder (refuses a folder that is not empty), then check it: the master key matches the database, the audit chain verifies, every signature the backup counted is there; exit 1 otherwise',
  parse: ([file, folder], values) => ({ file: file!, folder: folder!, passphrase: readPassphrase(values['passphrase-file']) }),
  async run({ file, folder, passphrase }) {
    try {
      const { manifest, check } = await restoreBackup({ file, passphrase, dir: folder });
      console.log(`restored ${manifest.files.length} files from the backup of ${String(manifest.createdAt)} into ${folder}`);
      if (!check) {
        console.log('  database: not in this backup (PostgreSQL): pg_restore it, then run `restore-check` with ROAMSIGN_DATA_DIR and ROAMSIGN_DATABASE_URL set');
        return 0;
      }
      const lines = restoreCheckLines(check);
      for (const line of lines) console.log(`  ${line}`);
      if (!restoreOk(check)) {
        console.error('restore check FAILED: do not start a server on this folder');
        return 1;
      }
      console.log(`start it with ROAMSIGN_DATA_DIR=${folder}`);
      return 0;
    } catch (error) {
      if (error instanceof RestoreRefused || error instanceof BackupUnreadable) {
        console.error(`refused: ${error.message}`);
        return 1;
      }
      throw error;
    }
  },
});
