/**
 * Issue 22's open loop: flows started at a fixed rate (create, read the OTP, complete), whatever
 * the server's answers take, as real officers arrive; a closed loop (N clients each waiting for
 * its answer) hides queueing. The load generator shares the machine's cores with the server.
 * - cold: a fresh server, its first 20 s at 70 flows/s, run by tsx (`npm start`) and compiled
 *   (`npm run start:prod`);
 * - warm: the compiled server after 5 s at the rate, then measured at 100 flows/s;
 * - the knee: the highest rate whose complete p99 stays <= 100 ms, warm.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startServer, type ServerProcess } from './serverProcess.js';
import { createClient, flow, type FlowTiming } from './signingBench.js';
import { systemToken } from './systemToken.js';
import { fmt, heading, line, percentile } from './stats.js';

export interface OpenLoopRun {
  rate: number;
  seconds: number;
  started: number;
  errors: number;
  /** The first error's message, to say what failed. */
  firstError: string | null;
  completeP50Ms: number;
  completeP99Ms: number;
}

export interface OpenLoopFigures {
  coldTsx: OpenLoopRun;
  coldCompiled: OpenLoopRun;
  warm100: OpenLoopRun;
  /** Highest rate tried whose warm complete p99 stayed <= 100 ms (0 if none). */
  kneeRate: number;
}

/** Starts one flow every 1/rate s for `seconds` (on schedule, not after the previous answer); waits for all. */
export async function openLoop(server: ServerProcess, token: string, rate: number, seconds: number): Promise<OpenLoopRun> {
  const client = createClient(server.baseUrl, token);
  const timings: FlowTiming[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      flow(client, 1).then(
        (t) => void timings.push(t),
        (error: unknown) => {
          errors++;
          firstError ??= error instanceof Error ? error.message.slice(0, 160) : String(error);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  client.close();
  const complete = timings.map((t) => t.completeMs);
  return { rate, seconds, started: total, errors, firstError, completeP50Ms: percentile(complete, 50), completeP99Ms: percentile(complete, 99) };
}

async function withServer<T>(options: { compiled?: string }, use: (server: ServerProcess, token: string) => Promise<T>): Promise<T> {
  const server = await startServer(options);
  try {
    return await use(server, await systemToken(server.baseUrl));
  } finally {
    await server.stop();
  }
}

function runLine(label: string, run: OpenLoopRun): void {
  line(label, `${fmt(run.completeP50Ms)} / ${fmt(run.completeP99Ms)}`, `ms p50 / p99, ${run.errors} errors of ${run.started}`);
  if (run.firstError) console.log(`    first error: ${run.firstError}`);
}

export async function measureOpenLoop(): Promise<OpenLoopFigures> {
  heading('Open loop: flows started at a fixed rate (create, OTP, complete), complete latency');
  const compiled = path.join(ROOT, 'dist', `prod-bench-${process.pid}`);
  const built = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/buildServer.ts', compiled], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build:server failed: ${built.stderr}`);
  try {
    const coldTsx = await withServer({}, (s, token) => openLoop(s, token, 70, 20));
    runLine('cold, tsx (npm start): first 20 s at 70/s', coldTsx);
    const coldCompiled = await withServer({ compiled }, (s, token) => openLoop(s, token, 70, 20));
    runLine('cold, compiled (start:prod): first 20 s at 70/s', coldCompiled);
    const { warm100, kneeRate } = await withServer({ compiled }, async (s, token) => {
      await openLoop(s, token, 100, 5);
      const warm100 = await openLoop(s, token, 100, 10);
      runLine('warm, compiled: 10 s at 100/s (after 5 s)', warm100);
      let kneeRate = 0;
      for (const rate of [60, 80, 100, 120, 140, 160]) {
        await openLoop(s, token, rate, 3);
        const run = await openLoop(s, token, rate, 6);
        runLine(`  warm at ${rate}/s`, run);
        if (run.completeP99Ms > 100 || run.errors > 0) break;
        kneeRate = rate;
      }
      return { warm100, kneeRate };
    });
    line('knee: highest rate with complete p99 <= 100 ms (warm, compiled)', String(kneeRate), 'flows/s');
    return { coldTsx, coldCompiled, warm100, kneeRate };
  } finally {
    fs.rmSync(compiled, { recursive: true, force: true });
  }
}
