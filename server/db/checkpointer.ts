import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** How often the worker moves the WAL's frames into the database file. */
const INTERVAL_MS = 200;
/** SQLite's own default: what the server connection goes back to if the worker stops. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** While the worker runs, the server connection checkpoints itself only if the WAL grows this large. */
const BACKSTOP_AUTOCHECKPOINT_PAGES = 4000;

// CommonJS, evaluated in the worker: its own connection to the same file. PASSIVE never waits for
// (nor blocks) the server connection's readers and writers; a busy or failed attempt is retried
// on the next tick.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
parentPort.once('message', () => { clearInterval(timer); db.close(); });
`;

export interface Checkpointer {
  /** Asks the worker to close its connection and end; returns at once. */
  stop(): void;
}

/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit
 * crosses 1000 pages: it copies the WAL into the database file and fsyncs both, a stall of ~10 ms
 * on the event loop every few dozen signing requests. A worker thread with its own connection does
 * that work instead; the server connection keeps a larger automatic checkpoint as a backstop and
 * returns to SQLite's default if the worker fails.
 */
export function startCheckpointer(sqlite: Database.Database, file: string): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file, intervalMs: INTERVAL_MS },
  });
  worker.unref(); // never keeps the process alive
  let stopped = false;
  const fallBack = () => {
    if (!stopped && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  worker.once('error', fallBack);
  worker.once('exit', fallBack);
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage('stop');
    },
  };
}
