import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { freePort } from './freePort.js';
import { createTestDatabase } from './testDatabase.js';

/** One `server/main.ts` process of a test cluster. */
export interface ClusterNode {
  index: number;
  url: string;
  port: number;
  readonly alive: boolean;
  /** SIGKILL: no shutdown of any kind (a crashed node). */
  kill(): Promise<void>;
  /** SIGTERM: the graceful shutdown. Resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Starts it again on the same port, data folder and database. */
  restart(): Promise<void>;
  /** Resolves once it answers /api/v1/ready. */
  ready(): Promise<void>;
  /** What it printed on stderr. */
  stderr(): string;
}

export interface Cluster {
  /** The round-robin front: http://127.0.0.1:port, skipping nodes that refuse connections. */
  url: string;
  nodes: ClusterNode[];
  /** The PostgreSQL database, or the SQLite file of a one-node cluster. */
  location: string;
  dataDir: string;
  /** The environment that opens this cluster's data (for the CLI). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 90_000;

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`node ${url} exited with ${child.exitCode}: ${stderr()}`);
    const ready = await fetch(`${url}/api/v1/ready`).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`node ${url} not ready after ${READY_TIMEOUT_MS / 1000} s: ${stderr()}`);
}

/**
 * One or several real RoamSign processes (`node --import tsx server/main.ts`) on one fresh PostgreSQL
 * database and one shared data folder (the master key every node must share), behind a simple
 * round-robin proxy that moves on to the next node when one refuses the connection. Sandbox mode:
 * demo officers, outbox, demo clients.
 */
export async function startCluster(options: { nodes?: number; env?: Record<string, string> } = {}): Promise<Cluster> {
  const count = options.nodes ?? 2;
  const databaseUrl = await createTestDatabase();
  // One node may run on SQLite (the embedded default); several share PostgreSQL.
  if (!databaseUrl && count > 1) throw new Error('a cluster of several nodes needs PostgreSQL (ROAMSIGN_TEST_DATABASE)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-cluster-'));
  const frontPort = await freePort();
  const frontUrl = `http://127.0.0.1:${frontPort}`;
  const baseEnv: Record<string, string> = {
    ROAMSIGN_DATA_DIR: dataDir,
    ROAMSIGN_DATABASE_URL: databaseUrl ?? '',
    ROAMSIGN_SANDBOX: '1',
    ROAMSIGN_PUBLIC_URL: `http://localhost:${frontPort}`,
    ROAMSIGN_PIN_SCRYPT_N: '1024',
    ROAMSIGN_LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    ...options.env,
  };

  const nodes: ClusterNode[] = [];
  for (let index = 0; index < count; index++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let child: ChildProcess;
    let err = '';
    const launch = () => {
      err = '';
      child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        env: { ...process.env, ...baseEnv, PORT: String(port) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
      return child;
    };
    launch();
    const exited = () => new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
    nodes.push({
      index,
      url,
      port,
      get alive() {
        return child.exitCode === null && child.signalCode === null;
      },
      async kill() {
        child.kill('SIGKILL');
        await exited();
      },
      async stop() {
        child.kill('SIGTERM');
        return exited();
      },
      async restart() {
        launch();
        await waitReady(url, child, () => err);
      },
      ready: () => waitReady(url, child, () => err),
      stderr: () => err,
    });
  }
  // Started together, on an empty database: migration, CA, demo data and master key races included.
  await Promise.all(nodes.map((node) => node.ready()));

  let next = 0;
  const proxy = createProxyServer({ xfwd: true });
  const front = http.createServer(async (req, res) => {
    // As a load balancer's health check would: a node known to be down gets no traffic.
    const live = nodes.filter((node) => node.alive);
    const order = live.map((_, i) => live[(next + i) % live.length]!);
    next = (next + 1) % Math.max(nodes.length, 1);
    // The body is read once and replayed to each node tried: a request stream can be piped only once,
    // and a node that refused the connection may already have drained it.
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const tryNode = (k: number) => {
      const node = order[k];
      if (!node) {
        res.writeHead(502).end();
        return;
      }
      proxy.web(req, res, { target: node.url, buffer: Readable.from([body]) }, (error: NodeJS.ErrnoException) => {
        // A node that died a moment ago refuses the connection before anything was sent: the request goes to the next.
        if (error.code === 'ECONNREFUSED' && !res.headersSent) tryNode(k + 1);
        else if (!res.headersSent) res.writeHead(502).end();
      });
    };
    tryNode(0);
  });
  await new Promise<void>((resolve) => front.listen(frontPort, '127.0.0.1', resolve));

  return {
    url: frontUrl,
    nodes,
    location: databaseUrl ?? path.join(dataDir, 'roamsign.db'),
    dataDir,
    env: { ROAMSIGN_DATA_DIR: dataDir, ROAMSIGN_DATABASE_URL: databaseUrl ?? '' },
    async stop() {
      const closed = new Promise<void>((resolve) => front.close(() => resolve()));
      front.closeAllConnections();
      await closed;
      proxy.close();
      await Promise.all(nodes.filter((n) => n.alive).map((n) => n.kill()));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
