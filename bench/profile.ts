/**
 * `npx tsx bench/profile.ts`: where the time of one complete call goes (not part of `npm run bench`).
 * Runs the real services and app in this process (no child, no sockets, one flow at a time),
 * times the vault calls by wrapping the vault object the signing service holds, and times the
 * CMS build and the verification step alone with the same inputs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../server/app.js';
import { createCmsBatch } from '../server/cms/batchSigner.js';
import { parseConfig } from '../server/env.js';
import { latestCertificate } from '../server/registry/officers.js';
import { createServices } from '../server/services.js';
import { verifySignature } from '../server/signing/verifySignature.js';
import { fmt, heading, line, mean } from './stats.js';

const NRIC = '900101011234';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-profile-'));
const services = await createServices(
  parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_DATA_DIR: dataDir, ROAMSIGN_LOG_LEVEL: 'silent', ROAMSIGN_OTP_SENDS_PER_HOUR: '1000000' }),
);
const app = createApp(services);

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
const post = (url: string, body: unknown) =>
  app.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function profileFlows(documents: number, flows: number) {
  const rows: { create: number; outbox: number; complete: number; pin: number; sign: number; bytes: number }[] = [];
  for (let i = 0; i < flows; i++) {
    const docs = digests(documents).map((d, j) => ({ id: `P-${i}-${j}`, digest: d.toString('base64') }));
    const t0 = performance.now();
    const created = (await (await post('/api/v1/signing-requests', { nric: NRIC, system: 'igfmas', documents: docs })).json()) as { id: string };
    const t1 = performance.now();
    const outbox = (await (await app.request(`/api/v1/dev/outbox?to=${NRIC}`)).json()) as { otp: string; requestId: string }[];
    const otp = outbox.find((m) => m.requestId === created.id)!.otp;
    const t2 = performance.now();
    spent.pin = 0;
    spent.sign = 0;
    const res = await post(`/api/v1/signing-requests/${created.id}/complete`, { pin: '123456', otp });
    const text = await res.text();
    const t3 = performance.now();
    if (res.status !== 200) throw new Error(text);
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

  // The CMS build and the verification step alone, with the officer's real certificate.
  const cert = latestCertificate(services.db, NRIC)!;
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

try {
  await profileFlows(1, 60);
  await profileFlows(100, 20);
} finally {
  services.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
