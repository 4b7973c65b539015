import fs from 'node:fs';
import path from 'node:path';

/** The database file in the data folder (with its -wal and -shm companions). */
export const DB_FILE = 'roamsign.db';

/** Files of the data folder that hold secrets: PIN verifiers, wrapped keys, the master key. */
const PRIVATE_FILES = [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, `${DB_FILE}-journal`, 'master.key'];

/**
 * Everything this process creates from now on is for its owner only (umask 077): the database,
 * its WAL and SHM files, the master key, and anything a library writes beside them. Call first
 * thing in a process that serves or administers a data folder (main.ts, cli.ts).
 */
export function restrictNewFiles(): void {
  process.umask(0o077);
}

/**
 * Makes the data folder owner-only (0700) and its secret files 0600, whatever umask the process
 * has and however an older version or an operator left them; creates the database file 0600
 * before SQLite opens it (not when the data is in PostgreSQL), so that SQLite gives its WAL and SHM
 * files the same mode. Returns the database file's path.
 */
export function prepareDataFolder(dir: string, options: { sqlite: boolean } = { sqlite: true }): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const dbFile = path.join(dir, DB_FILE);
  if (options.sqlite) fs.closeSync(fs.openSync(dbFile, 'a', 0o600));
  for (const name of PRIVATE_FILES) {
    const file = path.join(dir, name);
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    if (stat?.isFile() && (stat.mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  }
  return dbFile;
}
