import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/freePort.js';
import { createTestDatabase } from '../helpers/testDatabase.js';

const out = path.resolve(`dist/prod-test-${process.pid}`);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-compiled-'));
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the compiled server (npm run build:server, npm run start:prod)', () => {
  it('builds to plain JavaScript, starts warmed up with node alone, and serves the API, the widget and GPKI Mobile', async () => {
    const built = spawnSync(path.resolve('node_modules/.bin/tsx'), ['scripts/buildServer.ts', out], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    expect(fs.existsSync(path.join(out, 'server/main.js'))).toBe(true);

    const port = await freePort();
    // In the postgres project, on a fresh PostgreSQL database; else on the embedded SQLite.
    const databaseUrl = await createTestDatabase();
    let output = '';
    child = spawn(process.execPath, [path.join(out, 'server/main.js')], {
      env: { ...process.env, ROAMSIGN_SANDBOX: '1', ROAMSIGN_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ROAMSIGN_PUBLIC_URL: `http://localhost:${port}`, ...(databaseUrl ? { ROAMSIGN_DATABASE_URL: databaseUrl } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // It says it listens only after the warm-up: wait for that line (or for it to die).
    await new Promise<void>((resolve, reject) => {
      const check = () => (/RoamSign listening on/.test(output) ? resolve() : undefined);
      child!.stdout!.on('data', check);
      child!.once('exit', (code) => reject(new Error(`the compiled server exited (${code}):\n${output}`)));
      check();
    });
    expect(output).toMatch(/"event":"startup.warm".*"failed":\[\]/);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
    const widget = await fetch(`${base}/widget.js`);
    expect(widget.status).toBe(200);
    expect((await widget.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`${base}/mobile/app.js`)).status).toBe(200);
  }, 120_000);
});
