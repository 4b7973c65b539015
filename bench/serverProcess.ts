import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../tests/helpers/freePort.js';

/** The repository root: the server is started from there, as `npm start` would. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProcess {
  baseUrl: string;
  pid: number;
  dataDir: string;
  /** Stops the child (its whole process group: tsx runs node in a grandchild) and removes the data folder it made. */
  stop(): Promise<void>;
  /** kill -9 of the whole group, as a crash would: nothing is flushed or closed; the data folder stays. */
  kill(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // negative pid: the group we created with `detached`
  } catch {
    /* already gone */
  }
}

/**
 * Starts `tsx server/main.ts` in sandbox mode on a fresh data folder and a free port, and waits
 * until GET /api/v1/health answers. With `nodeArgs` (e.g. `--cpu-prof`, which NODE_OPTIONS
 * refuses) it runs `node <nodeArgs> --import tsx server/main.ts` instead, for profiling. With
 * `dataDir` (and `port`) it starts again on an existing folder, a restart; that folder is kept.
 */
export async function startServer(
  options: { env?: Record<string, string>; nodeArgs?: string[]; dataDir?: string; port?: number; compiled?: string } = {},
): Promise<ServerProcess> {
  const ownFolder = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-bench-'));
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  // `compiled`: the folder `npm run build:server` wrote; node runs its JavaScript, as `npm run start:prod` does.
  const [command, args] = options.compiled
    ? [process.execPath, [...(options.nodeArgs ?? []), path.join(options.compiled, 'server/main.js')]]
    : options.nodeArgs
      ? [process.execPath, [...options.nodeArgs, '--import', 'tsx', 'server/main.ts']]
      : [path.join(ROOT, 'node_modules/.bin/tsx'), ['server/main.ts']];
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true, // own process group, so stop() reaches tsx's node grandchild too
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ROAMSIGN_SANDBOX: '1',
      ROAMSIGN_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      ROAMSIGN_PUBLIC_URL: `http://localhost:${port}`,
      ROAMSIGN_LOG_LEVEL: 'silent',
      // The per-officer hourly OTP limit (default 60) would stop the bench after a few seconds; so
      // would the budgets of unknown browsers (the widget bench's fresh contexts) and the cap on
      // pending requests per caller (20 clients sign for one officer at once).
      ROAMSIGN_OTP_SENDS_PER_HOUR: '1000000',
      ROAMSIGN_UNKNOWN_SENDS_PER_HOUR: '1000000',
      ROAMSIGN_ADDRESS_SENDS_PER_HOUR: '1000000',
      ROAMSIGN_PENDING_PER_CALLER: '1000',
      ...options.env,
    },
  });
  // Keep the tail of the child's output for error messages; never print it otherwise.
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // If the bench dies unexpectedly, do not leave the server running.
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child, 'SIGTERM');
    const gone = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    if (!gone) killGroup(child, 'SIGKILL');
    process.removeListener('exit', onExit);
    // Give the grandchild a moment to release the SQLite files before removing the folder.
    await sleep(100);
    if (ownFolder) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const kill = async () => {
    stopped = true;
    killGroup(child, 'SIGKILL');
    await exited;
    process.removeListener('exit', onExit);
    // tsx may exit before its node grandchild is gone: wait until nothing answers on the port.
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(`${baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(500) });
      } catch {
        return;
      }
      await sleep(50);
    }
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const res = await fetch(`${baseUrl}/api/v1/health`);
      if (res.ok) return { baseUrl, pid: child.pid!, dataDir, stop, kill };
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`server did not become healthy; its output:\n${output}`);
}
