import { startServer, type ServerProcess } from './serverProcess.js';
import { createClient, flow, type Client } from './signingBench.js';
import { systemToken } from './systemToken.js';
import { fmt, heading, line, percentile, runWorkers } from './stats.js';

const TOKEN = 'bench-metrics-token-0123456789';
const ROUNDS = 3;
const ROUND_MS = 4000;
const CLIENTS = 10;

export interface MetricsFigures {
  offFlowsPerSecond: number;
  onFlowsPerSecond: number;
  offCompleteP99Ms: number;
  onCompleteP99Ms: number;
  scrapeP50Ms: number;
  scrapeBytes: number;
}

/**
 * Issue 24: what counting costs. Two servers, metrics off (the default) and on
 * (ROAMSIGN_METRICS_TOKEN), run the same full signing flows in alternating rounds, so a change in
 * the machine's load falls on both; then the scrape itself is timed.
 */
export async function measureMetrics(): Promise<MetricsFigures> {
  heading(`Metrics cost (issue 24): metrics off vs on, ${CLIENTS} clients, ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s`);
  const servers: { off?: ServerProcess; on?: ServerProcess } = {};
  const clients: Client[] = [];
  try {
    servers.off = await startServer();
    servers.on = await startServer({ env: { ROAMSIGN_METRICS_TOKEN: TOKEN } });
    const off = createClient(servers.off.baseUrl, await systemToken(servers.off.baseUrl));
    const on = createClient(servers.on.baseUrl, await systemToken(servers.on.baseUrl));
    clients.push(off, on);
    // Warm-up of both.
    await runWorkers(CLIENTS, 2000, () => flow(off, 1));
    await runWorkers(CLIENTS, 2000, () => flow(on, 1));
    const totals = { off: { count: 0, seconds: 0, complete: [] as number[] }, on: { count: 0, seconds: 0, complete: [] as number[] } };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, client] of round % 2 === 0 ? ([['off', off], ['on', on]] as const) : ([['on', on], ['off', off]] as const)) {
        const run = await runWorkers(CLIENTS, ROUND_MS, () => flow(client, 1));
        totals[name].count += run.count;
        totals[name].seconds += run.seconds;
        totals[name].complete.push(...run.results.map((r) => r.completeMs));
      }
    }
    const figures = (name: 'off' | 'on') => ({ fps: totals[name].count / totals[name].seconds, p99: percentile(totals[name].complete, 99), p50: percentile(totals[name].complete, 50) });
    const a = figures('off');
    const b = figures('on');
    line('Full flow, metrics off', fmt(a.fps, 1), 'flows/s');
    line('  complete p50 / p99', `${fmt(a.p50)} / ${fmt(a.p99)}`, 'ms');
    line('Full flow, metrics on', fmt(b.fps, 1), 'flows/s');
    line('  complete p50 / p99', `${fmt(b.p50)} / ${fmt(b.p99)}`, 'ms');
    line('  on / off, flows/s', fmt(b.fps / a.fps, 3));

    const scrapes: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const res = await fetch(`${servers.on.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
      scrapes.push(performance.now() - started);
      bytes = text.length;
    }
    line('One scrape of /metrics, p50', fmt(percentile(scrapes, 50), 1), 'ms');
    line('  exposition size', fmt(bytes / 1024, 1), 'KB');
    return { offFlowsPerSecond: a.fps, onFlowsPerSecond: b.fps, offCompleteP99Ms: a.p99, onCompleteP99Ms: b.p99, scrapeP50Ms: percentile(scrapes, 50), scrapeBytes: bytes };
  } finally {
    for (const client of clients) client.close();
    await Promise.all([servers.off?.stop(), servers.on?.stop()]);
  }
}
