import crypto from 'node:crypto';
import { openDb } from '../server/db/database.js';
import { parseConfig } from '../server/env.js';
import { hashPin, verifyPin } from '../server/vault/pinVerifier.js';
import { createSoftVault } from '../server/vault/softVault.js';
import { startCpuMonitor } from './machine.js';
import { fmt, foreignLoadLine, heading, line, mean, runWorkers } from './stats.js';

/** Production default scrypt cost of the PIN verifier (server/env.ts ROAMSIGN_PIN_SCRYPT_N). */
export const PIN_SCRYPT_N = parseConfig({ ROAMSIGN_SANDBOX: '1' }).pinScryptN;
/** libuv's pool runs scrypt and the callback form of crypto.sign; enough work in flight keeps it full. */
export const POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
/** Size of a CMS signed-attributes DER: what the vault actually signs per document. */
const TBS_BYTES = 220;

export interface CryptoFigures {
  /** One PIN check alone, nothing else running (ms). */
  pinCheckMs: number;
  /** One RSA-2048 signature alone (ms). */
  signMs: number;
  /** PIN check + one signature per flow, all cores busy (flows/s). */
  floorFlowsPerSecond: number;
  /** RSA-2048 SHA-256 signatures through vault.sign, all cores busy (signatures/s). */
  rawSignsPerSecond: number;
}

function signAsync(data: Uint8Array, key: crypto.KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => crypto.sign('sha256', data, key, (e, sig) => (e ? reject(e) : resolve(sig))));
}

/**
 * The crypto lower bound of the server, measured in this process with the server's own
 * primitives (no HTTP, no database work on the hot path): the scrypt PIN verifier and RSA-2048.
 */
export async function measureCrypto(): Promise<CryptoFigures> {
  heading('Crypto primitives (in-process, server/vault code, no HTTP)');
  const monitor = startCpuMonitor();
  // A random pepper: the server derives its own from the master key; the cost is the same.
  const pepper = crypto.randomBytes(32);
  const verifier = await hashPin(pepper, '123456', PIN_SCRYPT_N);
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tbs = () => crypto.randomBytes(TBS_BYTES);

  // The real vault over an in-memory database, for the raw sign rate through vault.sign.
  const db = await openDb(':memory:');
  const vault = createSoftVault({ db, masterKey: crypto.randomBytes(32), pinScryptN: PIN_SCRYPT_N });
  const { keyRef } = await vault.generateKey('bench');

  // Warm-up: JIT, OpenSSL tables, libuv threads.
  await runWorkers(POOL_SIZE, 1000, async () => {
    await verifyPin(pepper, '123456', verifier);
    await signAsync(tbs(), privateKey);
  });

  // Single-operation latencies (one at a time): the least a complete call can take.
  const pinAlone = await runWorkers(1, 1500, async () => {
    if (!(await verifyPin(pepper, '123456', verifier))) throw new Error('PIN verifier rejected the right PIN');
  });
  const signAlone = await runWorkers(1, 1000, () => signAsync(tbs(), privateKey));
  line(`PIN check alone (scrypt N=${PIN_SCRYPT_N} r=8 p=1), 1 in flight`, fmt(mean(pinAlone.latenciesMs), 1), 'ms');
  line('RSA-2048 SHA-256 signature alone, 1 in flight', fmt(mean(signAlone.latenciesMs), 2), 'ms');

  // Floor: each flow = one PIN check then one signature, as complete does; 2x pool size in flight.
  const concurrency = POOL_SIZE * 2;
  const floor = await runWorkers(concurrency, 5000, async () => {
    if (!(await verifyPin(pepper, '123456', verifier))) throw new Error('PIN verifier rejected the right PIN');
    await signAsync(tbs(), privateKey);
  });
  const floorRate = floor.count / floor.seconds;
  line(`Crypto floor: PIN check + 1 signature, ${concurrency} in flight`, fmt(floorRate, 1), 'flows/s');

  // Raw sign: vault.sign over 100 items per call (the batch shape), 2 calls in flight so the pool never drains.
  const items = Array.from({ length: 100 }, tbs);
  await vault.sign(keyRef, items);
  const raw = await runWorkers(2, 4000, () => vault.sign(keyRef, items));
  const rawRate = (raw.count * items.length) / raw.seconds;
  line('Raw sign: vault.sign, 100 items per call, 2 calls in flight', fmt(rawRate, 0), 'signatures/s');

  await db.close();
  foreignLoadLine(monitor.foreignShare());
  return {
    pinCheckMs: mean(pinAlone.latenciesMs),
    signMs: mean(signAlone.latenciesMs),
    floorFlowsPerSecond: floorRate,
    rawSignsPerSecond: rawRate,
  };
}
