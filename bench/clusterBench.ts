import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { createDatabase, DEFAULT_PG_ADMIN_URL, dropTestDatabases, runPrefix } from '../tests/helpers/testDatabase.js';
import { startServer, type ServerProcess } from './serverProcess.js';
import { createClient, flow, type Client } from './signingBench.js';
import { fmt, heading, line, percentile, runWorkers } from './stats.js';
import { systemToken } from './systemToken.js';

export interface DeploymentFigures {
  label: string;
  flowsPerSecond: number;
  completeP99Ms: number;
}

export interface ClusterFigures {
  sqlite: DeploymentFigures;
  postgresOne: DeploymentFigures;
  postgresTwo: DeploymentFigures;
}

const CLIENTS = 20;
const RUN_MS = 12_000;

/** Closed-loop flows from CLIENTS clients spread over the nodes (a client-side round robin, no proxy on these two cores). */
async function measure(label: string, nodes: ServerProcess[]): Promise<DeploymentFigures> {
  const token = await systemToken(nodes[0]!.baseUrl);
  const clients: Client[] = nodes.map((node) => createClient(node.baseUrl, token));
  try {
    await runWorkers(CLIENTS, 3000, (worker) => flow(clients[worker % clients.length]!, 1));
    const run = await runWorkers(CLIENTS, RUN_MS, (worker) => flow(clients[worker % clients.length]!, 1));
    const figures = {
      label,
      flowsPerSecond: run.count / run.seconds,
      completeP99Ms: percentile(run.results.map((r) => r.completeMs), 99),
    };
    line(`${label}: ${CLIENTS} clients (${run.count} flows)`, fmt(figures.flowsPerSecond, 1), 'flows/s');
    line('  complete p99', fmt(figures.completeP99Ms), 'ms');
    return figures;
  } finally {
    clients.forEach((c) => c.close());
  }
}

/**
 * Issue 10: the same load on the embedded default (SQLite), on PostgreSQL with one node, and with two
 * nodes sharing the database and the master key. On this 2-core machine two nodes share the same cores,
 * so they show the cost of coordination rather than added capacity.
 */
export async function measureDeployments(): Promise<ClusterFigures> {
  heading('Deployments: SQLite, PostgreSQL 1 node, PostgreSQL 2 nodes (full flows over HTTP)');
  const env = { ROAMSIGN_OTP_SENDS_PER_HOUR: '1000000' };

  const sqliteNode = await startServer({ env });
  const sqlite = await measure('SQLite, 1 node', [sqliteNode]).finally(() => sqliteNode.stop());

  // Fresh databases on the local PostgreSQL (ROAMSIGN_TEST_PG_URL names another), dropped at the end.
  process.env.ROAMSIGN_TEST_RUN = `bench${crypto.randomBytes(3).toString('hex')}`;
  const one = await createDatabase(DEFAULT_PG_ADMIN_URL);
  const two = await createDatabase(DEFAULT_PG_ADMIN_URL);
  const pgNode = await startServer({ env: { ...env, ROAMSIGN_DATABASE_URL: one } });
  const postgresOne = await measure('PostgreSQL, 1 node', [pgNode]).finally(() => pgNode.stop());

  const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-bench-cluster-'));
  const first = await startServer({ env: { ...env, ROAMSIGN_DATABASE_URL: two }, dataDir: shared });
  const second = await startServer({ env: { ...env, ROAMSIGN_DATABASE_URL: two }, dataDir: shared });
  try {
    const postgresTwo = await measure('PostgreSQL, 2 nodes', [first, second]);
    line('PostgreSQL 1 node / SQLite', fmt(postgresOne.flowsPerSecond / sqlite.flowsPerSecond, 2), 'x');
    line('PostgreSQL 2 nodes / 1 node', fmt(postgresTwo.flowsPerSecond / postgresOne.flowsPerSecond, 2), 'x');
    return { sqlite, postgresOne, postgresTwo };
  } finally {
    await Promise.all([first.stop(), second.stop()]);
    fs.rmSync(shared, { recursive: true, force: true });
    await dropTestDatabases(DEFAULT_PG_ADMIN_URL, runPrefix());
  }
}
