/**
 * `npm run bench`: one run on this machine, printed as a report. Missed goals are reported,
 * never an exit code (the process fails only when the bench itself cannot run).
 * Each section is one measuring module; add new sections to the list below.
 */
import os from 'node:os';
import { measureCrypto, POOL_SIZE } from './cryptoBench.js';
import { measureSigningServer } from './signingBench.js';
import { fmt, heading } from './stats.js';

console.log(`RoamSign benchmark — node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? '?'}), libuv pool ${POOL_SIZE}`);
const started = performance.now();

const cryptoFigures = await measureCrypto();
const signing = await measureSigningServer();

// Goals: ratios to the crypto floor / raw sign rate, and the latency of complete.
heading('Goals');
const goal = (label: string, value: string, target: string, ok: boolean) =>
  console.log(`  ${label.padEnd(44)} ${value.padStart(10)}   goal ${target.padEnd(10)} ${ok ? 'PASS' : 'MISS'}`);
const flowRatio = signing.twentyClients.flowsPerSecond / cryptoFigures.floorFlowsPerSecond;
goal('flow/floor at 20 clients', fmt(flowRatio, 2), '>= 0.5', flowRatio >= 0.5);
for (const batch of signing.batchDocsPerSecond) {
  const ratio = batch.docsPerSecond / cryptoFigures.rawSignsPerSecond;
  goal(`batch/raw sign, ${batch.clients} batch client${batch.clients > 1 ? 's' : ''}`, fmt(ratio, 2), '>= 0.6', ratio >= 0.6);
}
goal('complete p99, 1 client', `${fmt(signing.oneClient.completeP99Ms)} ms`, '< 50 ms', signing.oneClient.completeP99Ms < 50);
goal('complete p99, 20 clients', `${fmt(signing.twentyClients.completeP99Ms)} ms`, '< 50 ms', signing.twentyClients.completeP99Ms < 50);

console.log(`\nTotal bench time ${fmt((performance.now() - started) / 1000, 0)} s`);
