import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { createDrain } from './http/drain.js';
import { holdDataFolder } from './db/dataFolderLock.js';
import { restrictNewFiles } from './dataFolder.js';
import { demoOfficerLines } from './demo/demoBanner.js';
import { demoDataRefusal, holdsDemoOfficers } from './demo/demoPresence.js';
import { parseConfig, type Config } from './env.js';
import { recordPublicUrl } from './publicUrlRecord.js';
import { startHttpServer } from './http/nodeServer.js';
import { startSweeper } from './cluster/sweeper.js';
import { startLifecycleScheduler } from './lifecycle/scheduler.js';
import { createServices } from './services.js';
import { startupProblem } from './startupProblem.js';
import { recoverRequests } from './cluster/recoverRequests.js';
import { warmUp } from './warmUp.js';
import { metricsRoutes } from './metrics/metricsRoutes.js';

function readConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

/** Runs a start-up step; a problem the operator can fix is one line, then exit 1. */
async function orStop<T>(stage: 'data' | 'listen', step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const line = startupProblem(error, config, stage);
    if (!line) throw error;
    console.error(line);
    process.exit(1);
  }
}

restrictNewFiles();
const config = readConfig();
// On SQLite this process is the folder's only server (recovery below relies on it); the OS releases the lock at exit.
// Kept in a variable for the process's life: a collected handle would close, and drop the lock.
const releaseDataFolder = config.databaseUrl === undefined ? await orStop('data', async () => holdDataFolder(config.dataDir)) : () => undefined;
const services = await orStop('data', () => createServices(config));
// A sandbox folder reused with the sandbox off would keep the demo officers and their public PINs.
if (!config.sandbox && (await holdsDemoOfficers(services.db))) {
  console.error(demoDataRefusal(config.dataDir));
  await services.close();
  process.exit(1);
}
// Crash recovery (issue 9): a request whose OTP was consumed but whose signature never committed is
// failed as interrupted. On SQLite this process is the data folder's only signer, so everything it
// finds in `signing` at start was abandoned; on PostgreSQL other nodes may be signing, so only
// requests whose signing lease ran out, and the sweeper takes the rest within seconds.
const recovered = await recoverRequests(services, { now: services.now(), everything: config.databaseUrl === undefined });
if (recovered.length) services.log.info('requests.recovered', { count: recovered.length, atStart: true });
const sweeper = startSweeper({ ...services, refusalsListedPerMinute: config.refusalsListedPerMinute });
const drain = createDrain();
const app = createApp(services, { drain });
// Staff movement and the 90-day inactivity rule, hourly (DESIGN.md "Rules the seeds state").
const lifecycle = startLifecycleScheduler(services, 60 * 60 * 1000, { inactivityDays: config.inactivityDays });

/** What `npm start` prints: where everything is, and in sandbox mode the demo officers. */
function startupLines(info: AddressInfo, demoLines: string[]): string[] {
  const lines = [
    `RoamSign listening on http://${info.address}:${info.port} (public URL ${config.publicUrl})`,
    `  data folder  ${config.dataDir}`,
    `  API docs     ${config.publicUrl}/docs`,
    `  CA / CRL     ${config.publicUrl}/ca.pem  ${config.publicUrl}/crl.pem`,
    `  portal       ${config.publicUrl}/portal  (administrators: ${config.publicUrl}/portal/admin)`,
    `  GPKI Mobile  ${config.publicUrl}/mobile`,
  ];
  if (config.sandbox) {
    lines.push(
      `  demo screens ${config.publicUrl}/demo/igfmas?widget=1  /demo/eperolehan?widget=1  /demo/speks?widget=1`,
      `  SANDBOX: OTP messages at ${config.publicUrl}/dev/outbox?to=<nric>`,
      '  budgets spent by fresh browsers (429 rate_limited): npm run roamsign -- reset-limits',
      '  demo officers (agency 1009 JANM Negeri Perlis):',
    );
    lines.push(...demoLines);
  }
  return lines;
}

// Issue 22: what the first requests would otherwise pay for (bundles, crypto, routes), before listening.
const warmed = await warmUp(app, services.vault);
services.log.info('startup.warm', { ms: warmed.ms, failed: warmed.steps.filter((s) => !s.ok).map((s) => s.name) });

const server = await orStop('listen', async () => {
  try {
    return await startHttpServer({ fetch: app.fetch, port: config.port, hostname: config.host });
  } catch (error) {
    // Nothing listens: close what was opened, so the exit leaves the data folder clean.
    lifecycle.stop();
    sweeper.stop();
    await services.close();
    throw error;
  }
});
// The CLI beside this server writes the same links (issue 23 item 2).
recordPublicUrl(config.dataDir, config.publicUrl);
console.log(startupLines(server.address() as AddressInfo, config.sandbox ? await demoOfficerLines(services) : []).join('\n'));
// Issue 24: a separate listener for Prometheus (ROAMSIGN_METRICS_PORT), bound to ROAMSIGN_METRICS_HOST.
const metricsServer =
  services.metrics && config.metrics.port !== undefined
    ? await orStop('listen', () => startHttpServer({ fetch: metricsRoutes(services.metrics!, config.metrics.token).fetch, port: config.metrics.port!, hostname: config.metrics.host }))
    : undefined;
if (metricsServer) {
  const info = metricsServer.address() as AddressInfo;
  console.log(`  metrics      http://${info.address}:${info.port}/metrics${config.metrics.token ? '  (Bearer token)' : ''}`);
} else if (services.metrics) console.log(`  metrics      ${config.publicUrl}/metrics  (Bearer token)`);

/** How long a stopping node lets its requests in flight (a signature being made) finish. */
const DRAIN_MS = 10_000;

/**
 * Graceful shutdown: readiness turns 503 and the listener closes (no new requests), the requests in
 * flight finish (or DRAIN_MS passes), then the jobs and the database close.
 */
let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  lifecycle.stop();
  sweeper.stop();
  server.close();
  server.closeIdleConnections();
  metricsServer?.close();
  metricsServer?.closeAllConnections();
  const { unfinished } = await drain.drain(DRAIN_MS);
  if (unfinished > 0) console.error(`stopping with ${unfinished} request(s) unfinished after ${DRAIN_MS / 1000} s`);
  await Promise.all([lifecycle.idle(), sweeper.idle()]);
  await services.close();
  releaseDataFolder();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
