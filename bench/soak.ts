/**
 * `npm run soak` (issue 9): N clients sign for S seconds against a server child process, which is
 * killed with SIGKILL half-way and restarted on the same data; then the audit chain is verified.
 * Prints flows/s, p99, and the three figures that must be 0: lost signatures (a client got a
 * signature the database does not hold), duplicate signatures (a document signed twice) and stuck
 * requests (left in `signing`, or `pending` past their expiry). Exit code 1 when any is not 0, the
 * audit chain is broken, or a client got an answer the protocol below does not expect.
 *
 *   npm run soak -- [--seconds 60] [--clients 50] [--kill-at 0.5]
 *
 * With ROAMSIGN_DATABASE_URL set, the server and the checks use that PostgreSQL database.
 *
 * Each client does what a careful system would: create, read the OTP (sandbox outbox), complete.
 * When the server goes away under it, it waits for the server and repeats `complete` with the same
 * OTP (an identical repeat returns the same signature, API.md): a request that was signed answers
 * with its signature, one that was interrupted answers `failed`, and the client signs the same
 * document again with a new request. So a document signed twice is a real duplicate.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../server/db/database.js';
import { freePort } from '../tests/helpers/freePort.js';
import { ROOT, startServer, type ServerProcess } from './serverProcess.js';
import { createClient, type Client } from './signingBench.js';
import { fmt, percentile } from './stats.js';
import { systemToken } from './systemToken.js';

const OFFICERS = [
  { nric: '900101011234', pin: '123456' },
  { nric: '880202025678', pin: '654321' },
] as const;
/** After the run: how long the server may take to bring abandoned requests to a final state (lease 10 s + sweep 5 s). */
const RECOVERY_WAIT_MS = 30_000;

export interface SoakFigures {
  clients: number;
  seconds: number;
  flows: number;
  flowsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** p99 of the flows the kill did not touch. */
  steadyP99Ms: number;
  /** Flows that were under way when the server was killed, and finished after the restart. */
  flowsAcrossCrash: number;
  restartMs: number;
  lostSignatures: number;
  duplicateSignatures: number;
  stuckRequests: number;
  unexpectedAnswers: number;
  auditChainOk: boolean;
}

type Answer = { status: number; json: any };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The soak itself: what `npm run soak` prints, as data. */
export async function runSoak(options: { seconds: number; clients: number; killAt: number; log?: (line: string) => void }): Promise<SoakFigures> {
  const log = options.log ?? (() => undefined);
  const databaseUrl = process.env.ROAMSIGN_DATABASE_URL || undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-soak-'));
  const port = await freePort();
  const env = { ROAMSIGN_LOG_LEVEL: 'silent', ...(databaseUrl ? { ROAMSIGN_DATABASE_URL: databaseUrl } : {}) };
  let server: ServerProcess = await startServer({ dataDir, port, env });
  const base = server.baseUrl;
  const token = await systemToken(base);
  let client: Client = createClient(base, token);
  let up = true;
  let serverBack: Promise<void> = Promise.resolve();

  const run = crypto.randomBytes(3).toString('hex');
  const received: { requestId: string; documentId: string; cms: string }[] = [];
  const unfinished = new Set<string>();
  const latencies: number[] = [];
  const steadyLatencies: number[] = [];
  let acrossCrash = 0;
  let unexpected = 0;
  const note = (what: string, answer: Answer) => {
    unexpected++;
    if (unexpected <= 5) log(`  unexpected ${what}: ${answer.status} ${JSON.stringify(answer.json).slice(0, 200)}`);
  };

  /** A call that never throws: a network error (the server is down) is status 0. */
  const send = async (method: 'GET' | 'POST', url: string, body?: unknown): Promise<Answer> => {
    try {
      return await client.request(method, url, body);
    } catch {
      return { status: 0, json: null };
    }
  };
  /** Waits until the server answers again (after the kill). */
  const waitForServer = async () => {
    do await sleep(50);
    while (!up);
    await serverBack;
  };

  async function readOtp(nric: string, id: string): Promise<string | null> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const outbox = await send('GET', `/api/v1/dev/outbox?to=${nric}`);
      const otp = outbox.status === 200 ? ((outbox.json as { requestId: string; otp: string }[]).find((m) => m.requestId === id)?.otp ?? null) : null;
      if (otp) return otp;
      if (outbox.status === 0) await waitForServer();
      else await sleep(20);
    }
    return null;
  }

  /** One document signed, whatever happens to the server meanwhile. */
  async function signOne(worker: number, n: number): Promise<void> {
    const officer = OFFICERS[worker % OFFICERS.length]!;
    const documents = [{ id: `SOAK-${run}-${worker}-${n}`, digest: crypto.createHash('sha256').update(crypto.randomBytes(32)).digest('base64'), summary: { amount: '1.00', currency: 'MYR' } }];
    const started = performance.now();
    let crossed = false;
    for (;;) {
      const created = await send('POST', '/api/v1/signing-requests', { nric: officer.nric, system: 'igfmas', documents });
      if (created.status === 0) {
        crossed = true;
        await waitForServer();
        continue;
      }
      if (created.status !== 201) {
        note('create', created);
        return;
      }
      const id = created.json.id as string;
      unfinished.add(id);
      const otp = await readOtp(officer.nric, id);
      if (otp === null) {
        note('outbox', { status: 404, json: { id } });
        return;
      }
      for (;;) {
        const done = await send('POST', `/api/v1/signing-requests/${id}/complete`, { pin: officer.pin, otp });
        if (done.status === 200) {
          for (const s of done.json.signatures as { documentId: string; signature: string }[]) received.push({ requestId: id, documentId: s.documentId, cms: s.signature });
          unfinished.delete(id);
          latencies.push(performance.now() - started);
          if (crossed) acrossCrash++;
          else steadyLatencies.push(performance.now() - started);
          return;
        }
        if (done.status === 0) {
          crossed = true;
          await waitForServer();
          continue; // the same OTP again: the signature if it was committed, else `failed`
        }
        const error = done.json?.error;
        if (done.status === 409 && error?.details?.status === 'pending') {
          await sleep(1000 * (error.details.retryAfterSeconds ?? 1));
          continue;
        }
        if (done.status === 409 && error?.details?.reason === 'interrupted') break; // sign the document again
        note('complete', done);
        return;
      }
    }
  }

  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let restartMs = 0;
  const killer = (async () => {
    await sleep(options.seconds * 1000 * options.killAt);
    up = false;
    const t0 = performance.now();
    await server.kill();
    log(`  killed the server (SIGKILL) at ${fmt((t0 - started) / 1000, 1)} s; restarting`);
    client.close();
    serverBack = (async () => {
      server = await startServer({ dataDir, port, env });
      client = createClient(base, token);
      restartMs = performance.now() - t0;
      log(`  server back after ${fmt(restartMs / 1000, 1)} s`);
    })();
    up = true;
    await serverBack;
  })();

  let flowCounter = 0;
  await Promise.all(
    Array.from({ length: options.clients }, async (_, worker) => {
      while (performance.now() < deadline) await signOne(worker, flowCounter++);
    }),
  );
  await killer;
  const seconds = (performance.now() - started) / 1000;

  // ---- checks, on the database itself ----
  const db = await openDb(databaseUrl ?? path.join(dataDir, 'roamsign.db'));
  let stuck = 0;
  let lost = 0;
  let duplicates = 0;
  try {
    const signingCount = async () => Number((await db.get<{ n: number }>("select count(*) as n from signing_requests where status = 'signing'"))!.n);
    const waitUntil = performance.now() + RECOVERY_WAIT_MS;
    while ((await signingCount()) > 0 && performance.now() < waitUntil) await sleep(250);
    stuck += await signingCount();
    // Requests the clients left unfinished (created before the kill, never completed): never `pending` past their expiry.
    for (const id of unfinished) {
      const view = await send('GET', `/api/v1/signing-requests/${id}`);
      if (view.status === 200 && view.json.status === 'pending' && Date.parse(view.json.expiresAt) < Date.now()) stuck++;
    }
    const stored = await db.all<{ requestId: string; documentId: string; cms: Buffer | Uint8Array }>(
      `select request_id as "requestId", document_id as "documentId", cms from signatures where document_id like ?`,
      `SOAK-${run}-%`,
    );
    const byRequestDocument = new Map(stored.map((row) => [`${row.requestId} ${row.documentId}`, Buffer.from(row.cms).toString('base64')]));
    for (const r of received) if (byRequestDocument.get(`${r.requestId} ${r.documentId}`) !== r.cms) lost++;
    const perDocument = new Map<string, number>();
    for (const row of stored) perDocument.set(row.documentId, (perDocument.get(row.documentId) ?? 0) + 1);
    for (const count of perDocument.values()) duplicates += count - 1;
  } finally {
    await db.close();
  }
  client.close();
  await server.stop();

  const audit = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['server/cli.ts', 'audit-verify'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ROAMSIGN_DATA_DIR: dataDir, ROAMSIGN_SANDBOX: '', ROAMSIGN_DATABASE_URL: databaseUrl ?? '' },
  });
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (audit.status !== 0) log(`  audit-verify: ${audit.stdout}${audit.stderr}`.trim());

  return {
    clients: options.clients,
    seconds,
    flows: latencies.length,
    flowsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    steadyP99Ms: percentile(steadyLatencies, 99),
    flowsAcrossCrash: acrossCrash,
    restartMs,
    lostSignatures: lost,
    duplicateSignatures: duplicates,
    stuckRequests: stuck,
    unexpectedAnswers: unexpected,
    auditChainOk: audit.status === 0,
  };
}

/** True when the soak found nothing wrong. */
export function soakPassed(f: SoakFigures): boolean {
  return f.flows > 0 && f.lostSignatures === 0 && f.duplicateSignatures === 0 && f.stuckRequests === 0 && f.unexpectedAnswers === 0 && f.auditChainOk;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, clients: { type: 'string', default: '50' }, 'kill-at': { type: 'string', default: '0.5' } } });
  const seconds = Number(values.seconds);
  const clients = Number(values.clients);
  const killAt = Number(values['kill-at']);
  if (!(seconds > 0) || !(clients > 0) || !(killAt > 0 && killAt < 1)) {
    console.error('usage: npm run soak -- [--seconds 60] [--clients 50] [--kill-at 0.5]');
    process.exit(2);
  }
  console.log(`RoamSign soak: ${clients} clients for ${seconds} s, kill -9 at ${Math.round(killAt * 100)} %, ${process.env.ROAMSIGN_DATABASE_URL ? 'PostgreSQL' : 'SQLite'} — node ${process.version}, ${os.cpus().length} CPUs`);
  const f = await runSoak({ seconds, clients, killAt, log: (line) => console.log(line) });
  const row = (label: string, value: string) => console.log(`  ${label.padEnd(48)} ${value}`);
  row('flows signed', `${f.flows} in ${fmt(f.seconds, 1)} s (restart ${fmt(f.restartMs / 1000, 1)} s included)`);
  row('flows/s', fmt(f.flowsPerSecond, 1));
  row('flow latency p50 / p99 (create -> signed)', `${fmt(f.p50Ms)} / ${fmt(f.p99Ms)} ms`);
  row('  p99 of the flows the kill did not touch', `${fmt(f.steadyP99Ms)} ms`);
  row('flows under way at the kill, finished after it', String(f.flowsAcrossCrash));
  row('lost signatures (must be 0)', String(f.lostSignatures));
  row('duplicate signatures (must be 0)', String(f.duplicateSignatures));
  row('stuck requests (must be 0)', String(f.stuckRequests));
  row('unexpected answers (must be 0)', String(f.unexpectedAnswers));
  row('audit-verify', f.auditChainOk ? 'chain intact' : 'BROKEN');
  const passed = soakPassed(f);
  console.log(`SOAK ${JSON.stringify(f)}`);
  console.log(passed ? 'soak: PASS' : 'soak: FAIL');
  process.exit(passed ? 0 : 1);
}
