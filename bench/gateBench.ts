import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { documentDigest } from '../shared/document.js';
import { STH_DOCUMENTS } from '../tests/gate/legacyBackend.js';
import { startCpuMonitor } from './machine.js';
import { ROOT, startServer } from './serverProcess.js';
import { createClient } from './signingBench.js';
import { fmt, foreignLoadLine, heading, line, percentile, runWorkers } from './stats.js';
import { systemToken } from './systemToken.js';

const NRIC = '900101011234';
const PIN = '123456';
const APPROVALS = 40;

export interface GateFigures {
  directRps: number;
  gateRps: number;
  /** p99 through the gate minus p99 direct, one client, pass-through GET. */
  addedP99Ms: number;
  addedP50Ms: number;
  /** An approval post through the gate (RoamSign decides) minus the same post straight to the back end. */
  approvalAddedP50Ms: number;
  approvalAddedP99Ms: number;
}

interface Child {
  url: string;
  pid: number;
  stop(): void;
}

/** `tsx bench/gateProcess.ts …` in its own process group; resolves when it prints LISTENING <url>. */
function startChild(args: string[], env: Record<string, string> = {}): Promise<Child> {
  const child: ChildProcess = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['bench/gateProcess.ts', ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
  };
  process.once('exit', stop);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const url = /LISTENING (\S+)/.exec(output)?.[1];
      if (url) resolve({ url, pid: child.pid!, stop });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', () => reject(new Error(`gate bench child exited: ${output}`)));
  });
}

/** GET or POST over a keep-alive agent, reading the whole answer: what a browser costs the gate. */
function requester(base: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const { hostname, port } = new URL(base);
  return {
    send(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: Buffer): Promise<number> {
      return new Promise((resolve, reject) => {
        const req = http.request({ agent, hostname, port, method, path, headers: body ? { ...headers, 'content-length': String(body.length) } : headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** Signs STH documents for the bench's approvals through the real API (create, outbox OTP, complete). */
async function signedApprovalBodies(roamsign: string, count: number): Promise<Buffer[]> {
  const client = createClient(roamsign, await systemToken(roamsign));
  const bodies: Buffer[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const doc = STH_DOCUMENTS[i % STH_DOCUMENTS.length]!;
      const fields = { noDokumen: doc.noDokumen, tarikh: doc.tarikh, vendor: doc.vendor, amaun: doc.amaun, keterangan: doc.keterangan };
      const created = await client.request<{ id: string }>('POST', '/api/v1/signing-requests', { nric: NRIC, system: 'igfmas', documents: [{ id: doc.noDokumen, digest: await documentDigest(fields) }] });
      const outbox = await client.request<{ otp: string; requestId: string }[]>('GET', `/api/v1/dev/outbox?to=${NRIC}`);
      const otp = outbox.json.find((m) => m.requestId === created.json.id)!.otp;
      const done = await client.request<{ signatures: { signature: string; certificateSerial: string }[] }>('POST', `/api/v1/signing-requests/${created.json.id}/complete`, { pin: PIN, otp });
      const s = done.json.signatures[0]!;
      bodies.push(
        Buffer.from(
          new URLSearchParams({ ...fields, tindakan: 'lulus', roamsign_request_id: created.json.id, roamsign_document_id: doc.noDokumen, roamsign_signature: s.signature, roamsign_certificate_serial: s.certificateSerial }).toString(),
        ),
      );
    }
  } finally {
    client.close();
  }
  return bodies;
}

/**
 * The gate (issue 12) in its own process between this client and the test legacy back end (its
 * own process), RoamSign a third: pass-through requests/s and latency through the gate vs
 * straight to the back end, and what an approval costs (RoamSign's decision) on top.
 */
export async function measureGate(): Promise<GateFigures> {
  heading('RoamSign Gate (gate and legacy back end in their own processes, 127.0.0.1)');
  const roamsign = await startServer({ env: { ROAMSIGN_LOG_LEVEL: 'silent' } });
  const backend = await startChild(['backend']);
  const gate = await startChild(['gate', backend.url, roamsign.baseUrl]);
  const direct = requester(backend.url);
  const gated = requester(gate.url);
  try {
    const monitor = startCpuMonitor(() => [roamsign.pid, backend.pid, gate.pid]);
    const login = await fetch(`${backend.url}/login?user=${NRIC}`, { redirect: 'manual' });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const page = `/sth/${STH_DOCUMENTS[0].noDokumen}`;
    const get = (r: ReturnType<typeof requester>) => () => r.send('GET', page, { cookie });

    await runWorkers(8, 2000, get(direct));
    await runWorkers(8, 2000, get(gated));
    const oneDirect = await runWorkers(1, 3000, get(direct));
    const oneGate = await runWorkers(1, 3000, get(gated));
    const p = (run: { latenciesMs: number[] }, q: number) => percentile(run.latenciesMs, q);
    line(`Pass-through GET (1 KB page), 1 client: direct p50 / p99`, `${fmt(p(oneDirect, 50), 2)} / ${fmt(p(oneDirect, 99), 2)}`, 'ms');
    line(`  through the gate p50 / p99`, `${fmt(p(oneGate, 50), 2)} / ${fmt(p(oneGate, 99), 2)}`, 'ms');
    const addedP50Ms = p(oneGate, 50) - p(oneDirect, 50);
    const addedP99Ms = p(oneGate, 99) - p(oneDirect, 99);
    line('  added by the gate p50 / p99', `${fmt(addedP50Ms, 2)} / ${fmt(addedP99Ms, 2)}`, 'ms');

    const manyDirect = await runWorkers(16, 5000, get(direct));
    const manyGate = await runWorkers(16, 5000, get(gated));
    const directRps = manyDirect.count / manyDirect.seconds;
    const gateRps = manyGate.count / manyGate.seconds;
    line('Pass-through GET, 16 clients: direct', fmt(directRps, 0), 'requests/s');
    line('  through the gate', fmt(gateRps, 0), `requests/s (${fmt((gateRps / directRps) * 100, 0)} % of direct)`);

    const bodies = await signedApprovalBodies(roamsign.baseUrl, APPROVALS);
    const headers = { cookie, 'content-type': 'application/x-www-form-urlencoded' };
    const path = (i: number) => `/sth/${STH_DOCUMENTS[i % STH_DOCUMENTS.length]!.noDokumen}/approve`;
    const directMs: number[] = [];
    const gateMs: number[] = [];
    let passed = 0;
    for (let i = 0; i < bodies.length; i++) {
      let t = performance.now();
      await direct.send('POST', path(i), headers, bodies[i]);
      directMs.push(performance.now() - t);
      t = performance.now();
      // 303 to the done page: the back end got it, so RoamSign passed it.
      if ((await gated.send('POST', path(i), headers, bodies[i])) === 303) passed++;
      gateMs.push(performance.now() - t);
    }
    if (passed !== bodies.length) throw new Error(`only ${passed} of ${bodies.length} signed approvals passed the gate`);
    const approvalAddedP50Ms = percentile(gateMs, 50) - percentile(directMs, 50);
    const approvalAddedP99Ms = percentile(gateMs, 99) - percentile(directMs, 99);
    line(`Signed approval post (${bodies.length}, one at a time): direct p50 / p99`, `${fmt(percentile(directMs, 50), 2)} / ${fmt(percentile(directMs, 99), 2)}`, 'ms');
    line('  through the gate (RoamSign verifies and records) p50 / p99', `${fmt(percentile(gateMs, 50), 2)} / ${fmt(percentile(gateMs, 99), 2)}`, 'ms');
    line('  added by the gate p50 / p99', `${fmt(approvalAddedP50Ms, 2)} / ${fmt(approvalAddedP99Ms, 2)}`, 'ms');
    foreignLoadLine(monitor.foreignShare());
    return { directRps, gateRps, addedP50Ms, addedP99Ms, approvalAddedP50Ms, approvalAddedP99Ms };
  } finally {
    direct.close();
    gated.close();
    gate.stop();
    backend.stop();
    await roamsign.stop();
  }
}

export interface GateMemoryFigures {
  capBytes: number;
  clients: number;
  bodyBytes: number;
  /** Peak RSS of the gate process during the burst minus its RSS before. */
  rssGrowthBytes: number;
  /** Answers by status (503: gate_busy, over the cap). */
  statuses: Record<number, number>;
}

/** Resident set of a process group (tsx runs the gate in a child node process), in bytes. */
async function rssOf(pgid: number): Promise<number> {
  const { execFile } = await import('node:child_process');
  const out = await new Promise<string>((resolve, reject) => execFile('ps', ['-eo', 'pgid=,rss='], (error, stdout) => (error ? reject(error) : resolve(stdout))));
  let kb = 0;
  for (const row of out.split('\n')) {
    const [group, rss] = row.trim().split(/\s+/).map(Number);
    if (group === pgid) kb += rss ?? 0;
  }
  return kb * 1024;
}

/**
 * Issue 17: memory stays bounded under 50 clients posting 10 MB approval bodies at once. The gate
 * runs in its own process with ROAMSIGN_GATE_MAX_BUFFERED_BYTES set; its RSS is sampled during the
 * burst. Bodies past the cap are answered 503 (gate_busy) before they are read.
 */
export async function measureGateMemory(options: { clients?: number; bodyBytes?: number; capBytes?: number } = {}): Promise<GateMemoryFigures> {
  const clients = options.clients ?? 50;
  const bodyBytes = options.bodyBytes ?? 10 * 1024 * 1024 - 4096; // under the rule's 10 MB maxBodyBytes
  const capBytes = options.capBytes ?? 64 * 1024 * 1024;
  const roamsign = await startServer({ env: { ROAMSIGN_LOG_LEVEL: 'silent' } });
  const backend = await startChild(['backend']);
  const gate = await startChild(['gate', backend.url, roamsign.baseUrl], { ROAMSIGN_GATE_MAX_BUFFERED_BYTES: String(capBytes) });
  try {
    const before = await rssOf(gate.pid);
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssOf(gate.pid).catch(() => 0));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    // One body, sent by every client: an approval form the size of the rule's limit.
    const body = Buffer.alloc(bodyBytes, 'a');
    // tindakan=lulus: the rule's marker, so every post is an approval the gate must read whole (not a draft it passes).
    body.write('tindakan=lulus&noDokumen=STH-2026-000123&amaun=1&vendor=', 0, 'latin1');
    const { hostname, port } = new URL(gate.url);
    const statuses: Record<number, number> = {};
    await Promise.all(
      Array.from({ length: clients }, () =>
        new Promise<void>((resolve) => {
          let answered = false;
          const req = http.request({ host: hostname, port, method: 'POST', path: `/sth/STH-2026-000123/approve`, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length } }, (res) => {
            answered = true;
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
            res.resume();
            res.on('end', resolve);
          });
          // The gate may answer 503 and close before the whole body is sent.
          req.on('error', () => {
            if (!answered) statuses[0] = (statuses[0] ?? 0) + 1;
            resolve();
          });
          req.end(body);
        }),
      ),
    );
    sampling = false;
    await sampler;
    const rssGrowthBytes = Math.max(0, peak - before);
    heading(`RoamSign Gate memory: ${clients} clients post ${fmt(bodyBytes / 1024 / 1024, 1)} MB approval bodies at once (ROAMSIGN_GATE_MAX_BUFFERED_BYTES ${fmt(capBytes / 1024 / 1024, 0)} MB)`);
    line('Gate RSS before / peak', `${fmt(before / 1024 / 1024, 0)} / ${fmt(peak / 1024 / 1024, 0)}`, 'MB');
    line('  growth during the burst', fmt(rssGrowthBytes / 1024 / 1024, 0), 'MB');
    line('  answers by status (0: connection cut)', JSON.stringify(statuses));
    return { capBytes, clients, bodyBytes, rssGrowthBytes, statuses };
  } finally {
    gate.stop();
    backend.stop();
    await roamsign.stop();
  }
}
