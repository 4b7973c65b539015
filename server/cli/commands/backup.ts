import { makeBackup } from '../../backup/makeBackup.js';
import { parseConfig } from '../../env.js';
import { defineCommand } from '../command.js';
import { readPassphrase } from '../readPassphrase.js';

export const backup = defineCommand({
  name: 'backup',
  args: ['<file>'],
  options: {
    'passphrase-file': { type: 'string', value: '<file>', help: 'read the passphrase from this file (default: ROAMSIGN_BACKUP_PASSPHRASE)' },
  },
  description:
    'write an encrypted backup while the server runs: the SQLite database (SQLite online backup), master.key, the TSA trust file and the configuration (secrets masked); with PostgreSQL the key material and configuration only (the database is pg_dump\'s)',
  parse: ([file], values) => ({ file: file!, passphrase: readPassphrase(values['passphrase-file']) }),
  async run({ file, passphrase }) {
    const config = parseConfig(process.env, { requireSmtp: false });
    const { manifest, counts } = await makeBackup(config, { file, passphrase });
    const size = manifest.files.reduce((sum, f) => sum + f.size, 0);
    console.log(`backup written: ${file} (${manifest.files.length} files, ${size} bytes before encryption)`);
    if (counts) console.log(`  database: ${counts.signatures} signatures, ${counts.auditEntries} audit entries`);
    else console.log('  database: NOT included (PostgreSQL): pg_dump it now too (docs/operations.md "Backups")');
    if (config.vault.backend === 'pkcs11') console.log('  keys: in the HSM, NOT in this file: back the token up with the HSM vendor\'s own procedure');
    return 0;
  },
});
