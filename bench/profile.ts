/**
 * `npx tsx bench/profile.ts`: where the server's time goes (not part of `npm run bench`).
 * 1. The real services and app in this process (no child, no sockets, one flow at a time): the
 *    vault calls are timed by wrapping the vault object the signing service holds, and the CMS
 *    build and the verification step are timed alone with the same inputs.
 * 2. The server as a child under load (20 single-document clients, then 2 batch clients) with
 *    node's --cpu-prof: the event loop's busiest functions and packages. The libuv pool (scrypt,
 *    RSA) does not appear in a V8 CPU profile; only the main thread's JavaScript and natives do.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../server/app.js';
import { ROOT, startServer } from './serverProcess.js';
import { createClient, flow } from './signingBench.js';
import { systemToken } from './systemToken.js';
import { createCmsBatch } from '../server/cms/batchSigner.js';
import { parseConfig } from '../server/env.js';
import { latestCertificate } from '../server/registry/officers.js';
import { createServices } from '../server/services.js';
import { verifySignature } from '../server/signing/verifySignature.js';
import { fmt, heading, line, mean, runWorkers } from './stats.js';
import { countStatements, statementKind } from './countStatements.js';

const NRIC = '900101011234';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-profile-'));
const services = await createServices(
  parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_DATA_DIR: dataDir, ROAMSIGN_LOG_LEVEL: 'silent', ROAMSIGN_OTP_SENDS_PER_HOUR: '1000000' }),
);
const app = createApp(services);
const statements = countStatements(services.db.sqlite!);

// The signing service calls vault.verifyPin / vault.sign through this same object: wrap them.
const spent = { pin: 0, sign: 0 };
const { vault } = services;
const verifyPin = vault.verifyPin.bind(vault);
const sign = vault.sign.bind(vault);
vault.verifyPin = async (pin, verifier) => {
  const t = performance.now();
  try {
    return await verifyPin(pin, verifier);
  } finally {
    spent.pin += performance.now() - t;
  }
};
vault.sign = async (keyRef, items) => {
  const t = performance.now();
  try {
    return await sign(keyRef, items);
  } finally {
    spent.sign += performance.now() - t;
  }
};

const digests = (n: number) => Array.from({ length: n }, () => crypto.randomBytes(32));
// Server-to-server calls authenticate as the sandbox client (API.md "Caller authentication").
const token = await systemToken('', 'igfmas', async (url, init) => app.request(url, init));
const post = (url: string, body: unknown) =>
  app.request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

async function profileFlows(documents: number, flows: number) {
  const rows: { create: number; outbox: number; complete: number; pin: number; sign: number; bytes: number }[] = [];
  const perStep = { create: new Map<string, number>(), complete: new Map<string, number>() };
  const add = (into: Map<string, number>, from: Map<string, number>) => from.forEach((n, k) => into.set(k, (into.get(k) ?? 0) + n));
  for (let i = 0; i < flows; i++) {
    const docs = digests(documents).map((d, j) => ({ id: `P-${i}-${j}`, digest: d.toString('base64') }));
    statements.take();
    const t0 = performance.now();
    const created = (await (await post('/api/v1/signing-requests', { nric: NRIC, system: 'igfmas', documents: docs })).json()) as { id: string };
    const t1 = performance.now();
    if (i > 0) add(perStep.create, statements.take());
    const outbox = (await (await app.request(`/api/v1/dev/outbox?to=${NRIC}`)).json()) as { otp: string; requestId: string }[];
    const otp = outbox.find((m) => m.requestId === created.id)!.otp;
    const t2 = performance.now();
    spent.pin = 0;
    spent.sign = 0;
    statements.take();
    const res = await post(`/api/v1/signing-requests/${created.id}/complete`, { pin: '123456', otp });
    const text = await res.text();
    const t3 = performance.now();
    if (res.status !== 200) throw new Error(text);
    if (i > 0) add(perStep.complete, statements.take());
    if (i > 0) rows.push({ create: t1 - t0, outbox: t2 - t1, complete: t3 - t2, pin: spent.pin, sign: spent.sign, bytes: text.length });
  }
  const m = (k: keyof (typeof rows)[number]) => mean(rows.map((r) => r[k]));
  heading(`${documents} document(s) per request, one flow at a time (${rows.length} flows, means)`);
  line('create / outbox read', `${fmt(m('create'), 2)} / ${fmt(m('outbox'), 2)}`, 'ms');
  line('complete, whole call (in-process, no socket)', fmt(m('complete'), 2), 'ms');
  line('  vault.verifyPin (scrypt, libuv pool)', fmt(m('pin'), 2), 'ms');
  line('  vault.sign (key unwrap + RSA, libuv pool)', fmt(m('sign'), 2), 'ms');
  line('  everything else (event loop: CMS, verify, SQLite, audit, JSON)', fmt(m('complete') - m('pin') - m('sign'), 2), 'ms');
  line('  response body', fmt(m('bytes') / 1024, 1), 'KiB');
  // SQL statements per flow step (deterministic: a cut shows as a smaller number).
  for (const [step, counts] of Object.entries(perStep)) {
    const kinds = new Map<string, number>();
    counts.forEach((n, text) => kinds.set(statementKind(text), (kinds.get(statementKind(text)) ?? 0) + n));
    const total = [...counts.values()].reduce((a, b) => a + b, 0) / rows.length;
    line(`SQL statements per ${step}`, fmt(total, 1), 'stmts');
    [...kinds].sort((a, b) => b[1] - a[1]).forEach(([kind, n]) => line(`  ${kind}`, fmt(n / rows.length, 1), 'stmts'));
  }

  // The CMS build and the verification step alone, with the officer's real certificate.
  const cert = (await latestCertificate(services.db, NRIC))!;
  const ds = digests(documents);
  const sigs = await sign(cert.keyRef, createCmsBatch(cert.der, new Date(), ds).toBeSigned);
  const times = { build: [] as number[], verifyFirst: [] as number[], verifyRest: [] as number[] };
  for (let i = 0; i < 30; i++) {
    let t = performance.now();
    const batch = createCmsBatch(cert.der, new Date(), ds);
    const cms = batch.assemble(sigs.map((s) => s)); // signatures over other bytes: fine for timing
    times.build.push(performance.now() - t);
    t = performance.now();
    await verifySignature({ db: services.db, ca: services.ca, signature: cms[0]!, digest: ds[0]!, now: Date.now });
    times.verifyFirst.push(performance.now() - t);
    t = performance.now();
    const publicKey = new crypto.X509Certificate(cert.der).publicKey;
    sigs.forEach((s, j) => j === 0 || crypto.verify('sha256', batch.toBeSigned[j]!, publicKey, s));
    times.verifyRest.push(performance.now() - t);
  }
  line('  of which createCmsBatch + assemble', fmt(mean(times.build.slice(5)), 2), 'ms');
  line('  of which verifySignature of the first CMS', fmt(mean(times.verifyFirst.slice(5)), 2), 'ms');
  line('  of which crypto.verify of the others (synchronous)', fmt(mean(times.verifyRest.slice(5)), 2), 'ms');
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Packages, node internals, own code, GC or other natives: where a profile sample's self time belongs. */
function packageOf(functionName: string, url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return 'node internals (crypto, http, streams)';
  if (url) return 'own code (server/, shared/)';
  return functionName === '(garbage collector)' ? '(garbage collector)' : 'other natives (writev, regexp, ...)';
}

/** Our functions whose inclusive time is worth knowing (synchronous stretches between awaits). */
const OWN_FUNCTIONS = ['create', 'complete', 'signDocuments', 'createCmsBatch', 'assemble', 'verifySignature', 'append', 'list'];

/** Self time of a .cpuprofile by package and by function, and inclusive time of our own functions. */
function summariseCpuProfile(file: string): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    if (functionName === '(idle)') return void (idle += ms);
    busy += ms;
    const where = url.replace(`file://${ROOT}`, '').replace(/^(.*\/)?node_modules\//, '');
    const fn = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    const pkg = packageOf(functionName, url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    // Each own function counts a sample once, wherever it sits on the stack.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)!.callFrame;
      if (frame.url.includes('/server/') && OWN_FUNCTIONS.includes(frame.functionName)) seen.add(frame.functionName);
    }
    for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, ms]) => line(`  ${k.slice(0, 56)}`, `${fmt((100 * ms) / busy, 1)} %`, 'of busy'));
  line('event loop busy / idle', `${fmt(busy / 1000, 1)} / ${fmt(idle / 1000, 1)}`, 's');
  console.log('  by package (self time):');
  top(byPackage, 8);
  console.log('  by function (self time):');
  top(byFunction, 12);
  console.log('  own functions (inclusive, synchronous part):');
  top(inclusive, OWN_FUNCTIONS.length);
}

async function profileServer(label: string, clients: number, documents: number): Promise<void> {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-cpuprof-'));
  const server = await startServer({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
  const client = createClient(server.baseUrl, await systemToken(server.baseUrl));
  let flows = 0;
  try {
    await runWorkers(clients, 2000, () => flow(client, documents));
    flows = (await runWorkers(clients, 8000, () => flow(client, documents))).count;
  } finally {
    client.close();
    await server.stop(); // the profile is written when the server exits
  }
  heading(`Server CPU profile, ${label} (${flows} flows measured, warm-up included in the profile)`);
  // tsx's loader runs in a worker with a small profile of its own: the biggest file is the server.
  const files = fs.readdirSync(profileDir).map((f) => path.join(profileDir, f));
  const biggest = files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  if (biggest) summariseCpuProfile(biggest);
  fs.rmSync(profileDir, { recursive: true, force: true });
}

try {
  await profileFlows(1, 60);
  await profileFlows(100, 20);
} finally {
  await services.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
// `npx tsx bench/profile.ts statements`: the in-process part alone (SQL counts and timings).
if (!process.argv.includes('statements')) {
  await profileServer('20 clients, 1 document each', 20, 1);
  await profileServer('2 clients, batches of 100 documents', 2, 100);
}
