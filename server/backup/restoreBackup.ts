import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createAuditLog, type ChainCheck } from '../audit/auditLog.js';
import { checkMasterKey } from '../cluster/keyCheck.js';
import { DB_FILE } from '../dataFolder.js';
import { openDb } from '../db/database.js';
import { deriveKey, loadOrCreateMasterKey } from '../vault/masterKey.js';
import { readBackup, type Manifest } from './backupFile.js';
import type { BackupCounts } from './makeBackup.js';

/** The restore refused before writing anything (a folder in use, not empty). */
export class RestoreRefused extends Error {}

/** What the restored data says: its audit chain and its signatures, beside what the backup promised. */
export interface RestoreCheck {
  chain: ChainCheck;
  signatures: number;
  /** The backup's own counts (taken from its copy when it was made). */
  expected: BackupCounts | undefined;
  /** A key problem (this database was made with another master key), else null. */
  keyProblem: string | null;
}

/**
 * Checks restored data (issue 24): the master key is the database's, the audit chain recomputes
 * with it, and the signatures the backup counted are there. `location`: the restored SQLite file,
 * or the PostgreSQL database pg_restore filled.
 */
export async function checkRestored(options: { location: string; dataDir: string; expected?: BackupCounts }): Promise<RestoreCheck> {
  if (!fs.existsSync(path.join(options.dataDir, 'master.key'))) throw new RestoreRefused(`${options.dataDir} holds no master.key: restore it from the backup first`);
  const masterKey = loadOrCreateMasterKey(options.dataDir);
  const db = await openDb(options.location);
  try {
    const keyProblem = await checkMasterKey(db, masterKey);
    const chain = await createAuditLog({ db, key: deriveKey(masterKey, 'audit-chain'), now: Date.now }).verify();
    const row = await db.get<{ n: number | string }>('select count(*) as n from signatures');
    return { chain, signatures: Number(row?.n ?? 0), expected: options.expected, keyProblem };
  } finally {
    masterKey.fill(0);
    await db.close();
  }
}

/** True when the check passed: key, chain, and at least the signatures the backup counted. */
export function restoreOk(check: RestoreCheck): boolean {
  return check.keyProblem === null && check.chain.ok && (check.expected === undefined || (check.signatures === check.expected.signatures && check.chain.entries >= check.expected.auditEntries));
}

/**
 * Restores a backup into a new data folder: `dir` must not exist or be empty (a restore never
 * overwrites data, least of all a live server's). The bundle is decrypted beside it and moved into
 * place only whole and authentic; then, for SQLite, the restored data is checked (checkRestored).
 */
export async function restoreBackup(options: { file: string; passphrase: string; dir: string }): Promise<{ manifest: Manifest; check: RestoreCheck | null }> {
  const dir = path.resolve(options.dir);
  const existing = fs.existsSync(dir) ? fs.readdirSync(dir) : null;
  if (existing && existing.length > 0) {
    const live = existing.includes('server.lock') ? ' (a server has used it: it is a live data folder)' : '';
    throw new RestoreRefused(`${dir} is not empty${live}: a restore never overwrites a data folder; restore into a new folder`);
  }
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const staging = `${dir}.restoring-${crypto.randomBytes(4).toString('hex')}`;
  fs.mkdirSync(staging, { mode: 0o700 });
  let manifest: Manifest;
  try {
    manifest = readBackup(options.file, { passphrase: options.passphrase, dir: staging });
    if (existing) fs.rmdirSync(dir);
    fs.renameSync(staging, dir);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  fs.chmodSync(dir, 0o700);
  if (manifest.database !== 'sqlite') return { manifest, check: null };
  const check = await checkRestored({ location: path.join(dir, DB_FILE), dataDir: dir, expected: manifest.counts as BackupCounts | undefined });
  return { manifest, check };
}
