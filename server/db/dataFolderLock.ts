import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Held by the serving process for its whole life; the OS drops it when the process ends, even by kill -9. */
export const LOCK_FILE = 'server.lock';

/** Another live server holds the data folder. */
export class DataFolderInUse extends Error {
  readonly code = 'ROAMSIGN_DATA_FOLDER_IN_USE';
}

/**
 * One server per SQLite data folder. Start-up recovery fails every request it finds mid-signing,
 * which is right only when no other process signs from the folder, so a second server refuses to
 * start instead of failing the first one's signatures. A SQLite file in exclusive locking mode is
 * the lock: portable, and released by the OS however the holder dies. Returns the release.
 */
export function holdDataFolder(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = new Database(path.join(dir, LOCK_FILE), { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    // A write takes the exclusive lock, and exclusive locking mode keeps it until close.
    lock.exec('begin exclusive; create table if not exists holder (pid integer); delete from holder;');
    lock.prepare('insert into holder (pid) values (?)').run(process.pid);
    lock.exec('commit');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new DataFolderInUse(`data folder ${dir} is held by another server`);
    throw error;
  }
  return () => lock.close();
}
