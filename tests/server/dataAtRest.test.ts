import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdsDemoOfficers } from '../../server/demo/demoPresence.js';
import { removeDemoData } from '../../server/demo/removeDemoData.js';
import { AMINAH, call, createRequest, latestOtp, makeDocument } from '../helpers/api.js';
import { freePort } from '../helpers/freePort.js';
import { createTestDatabase } from '../helpers/testDatabase.js';
import { startTestServer } from '../helpers/testServices.js';

const tsx = path.resolve('node_modules/.bin/tsx');
const SQLITE_FILES = ['roamsign.db', 'roamsign.db-wal', 'roamsign.db-shm'];
const PRIVATE = [...SQLITE_FILES, 'master.key'];

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/** The folder 0700 and its secret files 0600: with PostgreSQL the folder holds the master key alone. */
function expectPrivate(dataDir: string, databaseUrl: string | undefined) {
  expect(modeOf(dataDir).toString(8)).toBe('700');
  const files = databaseUrl ? ['master.key'] : PRIVATE;
  for (const name of files) expect([name, modeOf(path.join(dataDir, name)).toString(8)]).toEqual([name, '600']);
  if (databaseUrl) for (const name of SQLITE_FILES) expect(fs.existsSync(path.join(dataDir, name))).toBe(false);
}

describe('file modes', () => {
  it('a new data folder is 0700 and the database, WAL, SHM and master key are 0600, whatever the umask', async () => {
    const server = await startTestServer();
    try {
      // A write, so that the WAL and SHM files exist.
      expect((await createRequest(server)).status).toBe(201);
      expectPrivate(server.dataDir, server.config.databaseUrl);
    } finally {
      await server.close();
    }
  });

  it('a folder left readable by an older version is tightened at the next start', async () => {
    const first = await startTestServer();
    await first.close();
    fs.chmodSync(first.dataDir, 0o755);
    for (const name of PRIVATE) if (fs.existsSync(path.join(first.dataDir, name))) fs.chmodSync(path.join(first.dataDir, name), 0o644);
    const again = await startTestServer({}, { dataDir: first.dataDir });
    try {
      expect((await createRequest(again)).status).toBe(201);
      expectPrivate(again.dataDir, again.config.databaseUrl);
    } finally {
      await again.close();
    }
  });
});

describe('removing the demo officers', () => {
  it('revokes their certificates (a sandbox signature then verifies as revoked), closes them and erases their PINs', async () => {
    const server = await startTestServer();
    try {
      const created = await createRequest(server);
      const otp = await latestOtp(server, created.body.id);
      const signed = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
      expect(signed.status).toBe(200);
      const signature = signed.body.signatures[0].signature as string;
      const digest = makeDocument('STH-2026-000123').digest;

      expect(await holdsDemoOfficers(server.services.db)).toBe(true);
      const removed = await removeDemoData(server.services);
      expect(removed.sort()).toEqual(['750303039999', '880202025678', '900101011234']);
      expect(await holdsDemoOfficers(server.services.db)).toBe(false);
      expect(await removeDemoData(server.services)).toEqual([]);

      const report = await call(server, 'POST', '/api/v1/verify', { signature, digest });
      expect(report.status).toBe(200);
      expect(report.body.valid).toBe(false);
      expect(report.body.certificate.status).toBe('revoked');
      // No signing as a demo officer any more.
      expect((await createRequest(server)).status).toBeGreaterThanOrEqual(400);
      const row = await server.services.db.get('select status, pin_verifier from officers where nric = ?', AMINAH.nric);
      expect(row).toEqual({ status: 'closed', pin_verifier: null });
    } finally {
      await server.close();
    }
  });
});

/** `tsx server/main.ts` on a data folder; resolves once it answers /api/v1/health, or with its exit. */
async function startMain(dataDir: string, env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(tsx, ['server/main.ts'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ROAMSIGN_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ROAMSIGN_LOG_LEVEL: 'silent', ROAMSIGN_PIN_SCRYPT_N: '1024', ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
    await exited;
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const healthy = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then((r) => r.ok, () => false);
    if (healthy) return { running: true as const, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000))]);
  await stop();
  return { running: false as const, code, stderr };
}

describe('npm start on a sandbox folder with the sandbox off', () => {
  it('creates private files under umask 077, refuses in one line, and runs once remove-demo-data has run', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-rest-'));
    fs.rmdirSync(dataDir); // main.ts creates it
    const databaseUrl = await createTestDatabase();
    const dbEnv = { ROAMSIGN_DATABASE_URL: databaseUrl ?? '' };
    const sandbox = await startMain(dataDir, { ROAMSIGN_SANDBOX: '1', ...dbEnv });
    expect(sandbox.running).toBe(true);
    try {
      // While it runs (a clean stop checkpoints and deletes the WAL and SHM files).
      expectPrivate(dataDir, databaseUrl);
    } finally {
      if (sandbox.running) await sandbox.stop();
    }

    const production = { ROAMSIGN_SANDBOX: '0', ROAMSIGN_SMTP_URL: 'smtp://127.0.0.1:2525', ...dbEnv };
    const refused = await startMain(dataDir, production);
    expect(refused.running).toBe(false);
    if (!refused.running) {
      expect(refused.code).toBe(1);
      const lines = refused.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('demo officers');
      expect(lines[0]).toContain('npm run roamsign -- remove-demo-data');
    }

    const cli = spawnSync(tsx, ['server/cli.ts', 'remove-demo-data'], { encoding: 'utf8', env: { ...process.env, ROAMSIGN_DATA_DIR: dataDir, ROAMSIGN_SANDBOX: '', ...dbEnv } });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('demo officers removed: 900101011234, 880202025678, 750303039999');

    const started = await startMain(dataDir, production);
    expect(started.running).toBe(true);
    if (started.running) await started.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);
});
