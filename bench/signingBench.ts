import crypto from 'node:crypto';
import http from 'node:http';
import { startCpuMonitor, type CpuMonitor } from './machine.js';
import { startServer } from './serverProcess.js';
import { systemToken } from './systemToken.js';
import { fmt, foreignLoadLine, heading, line, mean, percentile, runWorkers, type LoadResult } from './stats.js';

/** Demo officer from API.md ("Demo data"). */
const NRIC = '900101011234';
const PIN = '123456';

export interface FlowFigures {
  flowsPerSecond: number;
  completeP50Ms: number;
  completeP99Ms: number;
}

export interface SigningFigures {
  oneClient: FlowFigures;
  twentyClients: FlowFigures;
  /** Documents per second of 100-document batches, by number of concurrent batch clients. */
  batchDocsPerSecond: { clients: number; docsPerSecond: number; completeP50Ms: number }[];
}

/** Phase timings of one flow, for the breakdown lines. */
export interface FlowTiming {
  createMs: number;
  outboxMs: number;
  completeMs: number;
}

/**
 * A minimal JSON client over node:http with keep-alive: lighter than fetch, so the client
 * steals less CPU from the server on this 2-core machine, and it sends no Origin header
 * (server-to-server calls, API.md): with `token`, it authenticates as a registered system.
 */
export function createClient(baseUrl: string, token?: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const { hostname, port } = new URL(baseUrl);
  return {
    request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: T }> {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            agent,
            hostname,
            port,
            method,
            path,
            headers: {
              ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              try {
                resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T });
              } catch (error) {
                reject(error);
              }
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
export type Client = ReturnType<typeof createClient>;

let docCounter = 0;
/** Documents with unique ids and the SHA-256 of random content, like an approve screen would send. */
function documents(count: number) {
  return Array.from({ length: count }, () => ({
    id: `BENCH-${++docCounter}`,
    digest: crypto.createHash('sha256').update(crypto.randomBytes(64)).digest('base64'),
    summary: { title: 'Baucar Bayaran', amount: '12,500.00', currency: 'MYR', payee: 'Syarikat ABC Sdn Bhd' },
  }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One whole signing flow through HTTP: create, read the OTP from the sandbox outbox, complete. */
export async function flow(client: Client, documentCount: number): Promise<FlowTiming> {
  const t0 = performance.now();
  const created = await client.request<{ id: string }>('POST', '/api/v1/signing-requests', {
    nric: NRIC,
    system: 'igfmas',
    documents: documents(documentCount),
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.json)}`);
  const id = created.json.id;

  const t1 = performance.now();
  let otp: string | null = null;
  // The OTP is in the outbox before create answers; the retries only guard against surprises.
  for (let attempt = 0; attempt < 5 && otp === null; attempt++) {
    if (attempt > 0) await sleep(10);
    const outbox = await client.request<{ otp: string | null; requestId: string | null }[]>('GET', `/api/v1/dev/outbox?to=${NRIC}`);
    if (outbox.status !== 200) throw new Error(`outbox: ${outbox.status} ${JSON.stringify(outbox.json)}`);
    otp = outbox.json.find((m) => m.requestId === id)?.otp ?? null;
  }
  if (otp === null) throw new Error(`outbox: no OTP for ${id}`);

  const t2 = performance.now();
  const done = await client.request<{ status: string; signatures: unknown[]; verification: { valid: boolean } }>(
    'POST',
    `/api/v1/signing-requests/${id}/complete`,
    { pin: PIN, otp },
  );
  const t3 = performance.now();
  if (done.status !== 200 || done.json.status !== 'signed' || done.json.signatures.length !== documentCount || !done.json.verification.valid) {
    throw new Error(`complete: ${done.status} ${JSON.stringify(done.json).slice(0, 300)}`);
  }
  return { createMs: t1 - t0, outboxMs: t2 - t1, completeMs: t3 - t2 };
}

function flowFigures(run: LoadResult<FlowTiming>): FlowFigures {
  const complete = run.results.map((r) => r.completeMs);
  return { flowsPerSecond: run.count / run.seconds, completeP50Ms: percentile(complete, 50), completeP99Ms: percentile(complete, 99) };
}

/** Where the machine's CPU went during one run: the server, this bench (the HTTP client), others. */
function cpuLine(monitor: CpuMonitor): void {
  const { server, bench, other } = monitor.shares();
  const pct = (x: number) => `${fmt(x * 100, 0)}`;
  line('  machine CPU: server / bench client / other processes', `${pct(server)} / ${pct(bench)} / ${pct(other)}`, '% of all cores');
}

function phaseLine(run: LoadResult<FlowTiming>): void {
  const phase = (pick: (t: FlowTiming) => number) => fmt(mean(run.results.map(pick)));
  line('  mean per phase: create / outbox / complete', `${phase((t) => t.createMs)} / ${phase((t) => t.outboxMs)} / ${phase((t) => t.completeMs)}`, 'ms');
}

function printFlows(clients: number, run: LoadResult<FlowTiming>, monitor: CpuMonitor): FlowFigures {
  const f = flowFigures(run);
  line(`Full flow, ${clients} client${clients > 1 ? 's' : ''} (${run.count} flows, ${fmt(run.seconds, 1)} s)`, fmt(f.flowsPerSecond, 1), 'flows/s');
  line('  complete p50 / p99', `${fmt(f.completeP50Ms)} / ${fmt(f.completeP99Ms)}`, 'ms');
  phaseLine(run);
  cpuLine(monitor);
  return f;
}

/** The server figures: full single-document flows at 1 and 20 clients, and 100-document batches. */
export async function measureSigningServer(): Promise<SigningFigures> {
  heading('Signing server over HTTP (tsx server/main.ts, sandbox, 127.0.0.1)');
  const server = await startServer();
  const client = createClient(server.baseUrl, await systemToken(server.baseUrl));
  try {
    const monitor = startCpuMonitor(() => [server.pid]);
    // Warm-up: JIT of the server's hot paths, SQLite caches, the CRL cache, keep-alive sockets.
    await runWorkers(20, 3000, () => flow(client, 1));
    await runWorkers(1, 10_000, () => flow(client, 100), 3);

    let runMonitor = startCpuMonitor(() => [server.pid]);
    const one = printFlows(1, await runWorkers(1, 10_000, () => flow(client, 1)), runMonitor);
    runMonitor = startCpuMonitor(() => [server.pid]);
    const twenty = printFlows(20, await runWorkers(20, 15_000, () => flow(client, 1)), runMonitor);

    // Batches: one request and one OTP for 100 documents; 1 client, then 2 and 4 so one batch's PIN
    // check overlaps another's signing and every core has work.
    const batchDocsPerSecond: SigningFigures['batchDocsPerSecond'] = [];
    for (const clients of [1, 2, 4]) {
      runMonitor = startCpuMonitor(() => [server.pid]);
      const run = await runWorkers(clients, 8000, () => flow(client, 100));
      const docsPerSecond = (run.count * 100) / run.seconds;
      const completeP50Ms = percentile(run.results.map((r) => r.completeMs), 50);
      line(`Batches of 100 documents, ${clients} client${clients > 1 ? 's' : ''} (${run.count} batches)`, fmt(docsPerSecond, 0), 'documents/s');
      line('  complete p50 (one whole batch)', fmt(completeP50Ms), 'ms');
      phaseLine(run);
      cpuLine(runMonitor);
      batchDocsPerSecond.push({ clients, docsPerSecond, completeP50Ms });
    }
    foreignLoadLine(monitor.foreignShare());
    return { oneClient: one, twentyClients: twenty, batchDocsPerSecond };
  } finally {
    client.close();
    await server.stop();
  }
}
