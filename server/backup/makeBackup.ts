import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pkg from '../../package.json' with { type: 'json' };
import { DB_FILE } from '../dataFolder.js';
import type { Config } from '../env.js';
import { writeBackup, type BackupEntry, type Manifest } from './backupFile.js';
import { backupConfig } from './backupConfig.js';

/** What the backup holds of the database, read from its own consistent copy. */
export interface BackupCounts {
  signatures: number;
  auditEntries: number;
  /** The newest signature's time (ms), or null. */
  newestSignatureAt: number | null;
}

/**
 * A consistent online backup of a SQLite data folder (issue 24): SQLite's backup API copies the
 * live database page by page while the server keeps signing (a snapshot: what was committed when
 * the copy ended), then the copy, master.key, the TSA trust file and the configuration that matters
 * (secrets masked) are encrypted into `file`. With PostgreSQL only the key material and the
 * configuration are written: the database is pg_dump's (docs/operations.md).
 */
export async function makeBackup(config: Config, options: { file: string; passphrase: string; now?: () => number }): Promise<{ manifest: Manifest; counts: BackupCounts | null }> {
  const now = options.now ?? Date.now;
  if (fs.existsSync(options.file)) throw new Error(`${options.file} exists: a backup never overwrites a file`);
  const masterKey = path.join(config.dataDir, 'master.key');
  if (!fs.existsSync(masterKey)) throw new Error(`${masterKey} is missing: is ROAMSIGN_DATA_DIR the server's data folder?`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-backup-'));
  try {
    const entries: BackupEntry[] = [{ name: 'master.key', source: masterKey }];
    let counts: BackupCounts | null = null;
    if (config.databaseUrl === undefined) {
      const live = path.join(config.dataDir, DB_FILE);
      if (!fs.existsSync(live)) throw new Error(`${live} is missing: is ROAMSIGN_DATA_DIR the server's data folder?`);
      const copy = path.join(work, DB_FILE);
      const source = new Database(live, { readonly: true, fileMustExist: true });
      try {
        // All remaining pages in each step: a write by the server between steps restarts the copy, so
        // few, large steps finish under load (WAL: the server's writers are never blocked by this reader).
        await source.backup(copy, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
      } finally {
        source.close();
      }
      counts = countCopy(copy);
      entries.push({ name: DB_FILE, source: copy });
    }
    if (config.tsa.trustFile) entries.push({ name: 'config/tsa-trust.pem', source: config.tsa.trustFile });
    const configFile = path.join(work, 'config.json');
    fs.writeFileSync(configFile, JSON.stringify(backupConfig(config, process.env), null, 2) + '\n', { mode: 0o600 });
    entries.push({ name: 'config/config.json', source: configFile });
    const manifest = writeBackup(options.file, {
      passphrase: options.passphrase,
      entries,
      manifest: {
        format: 'roamsign-backup',
        roamsignVersion: pkg.version,
        createdAt: new Date(now()).toISOString(),
        database: config.databaseUrl === undefined ? 'sqlite' : 'postgresql (not included: pg_dump)',
        vault: config.vault.backend,
        ...(counts ? { counts } : {}),
      },
    });
    return { manifest, counts };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function countCopy(file: string): BackupCounts {
  const db = new Database(file, { readonly: true });
  try {
    const signatures = db.prepare('select count(*) as n, max(created_at) as newest from signatures').get() as { n: number; newest: number | null };
    const audit = db.prepare('select count(*) as n from audit_log').get() as { n: number };
    return { signatures: signatures.n, auditEntries: audit.n, newestSignatureAt: signatures.newest };
  } finally {
    db.close();
  }
}
