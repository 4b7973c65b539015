import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS } from '../helpers/cli.js';
import { freePort } from '../helpers/freePort.js';

// Issue 24: no Docker daemon on the CI machine, so the image is not built here. Instead the very
// command the image (Dockerfile CMD) and the systemd unit (ExecStart) run is started as an
// unprivileged user (uid 65534 when the tests run as root) over this source tree, which that user
// cannot write; it must serve health, readiness and metrics, write only in its data folder, and
// stop cleanly on SIGTERM.

const NOBODY = 65534;

/** The Dockerfile's CMD, an exec-form JSON array. */
function imageCommand(): string[] {
  const line = fs.readFileSync('Dockerfile', 'utf8').split('\n').find((l) => l.startsWith('CMD '));
  return JSON.parse(line!.slice(4)) as string[];
}

/** The systemd unit's ExecStart, with the absolute node path as `node`. */
function unitCommand(): string[] {
  const line = fs.readFileSync('deploy/roamsign.service', 'utf8').split('\n').find((l) => l.startsWith('ExecStart='));
  const [node, ...rest] = line!.slice('ExecStart='.length).split(/\s+/);
  return [path.basename(node!), ...rest];
}

/** Polls `url` until it answers 200, failing with what it waited for after the deadline. */
async function until200(url: string, exited: () => string | null, deadlineMs = 90_000): Promise<Response> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const gone = exited();
    if (gone !== null) throw new Error(`the server exited before ${url} answered: ${gone}`);
    const res = await fetch(url).catch(() => null);
    if (res?.status === 200) return res;
    if (Date.now() > end) throw new Error(`timed out waiting for 200 from ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Files under the source tree (node_modules aside) changed since `since` (ms). */
function changedSince(dir: string, since: number): string[] {
  const changed: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) changed.push(...changedSince(full, since));
    else if (fs.statSync(full).mtimeMs > since) changed.push(full);
  }
  return changed;
}

describe('the image\'s start command (no Docker daemon here)', () => {
  it("the Dockerfile's build stage copies every tree the server build reads (scripts/buildServer.ts TREES)", () => {
    const trees = JSON.parse(/const TREES = (\[[^\]]*\])/.exec(fs.readFileSync('scripts/buildServer.ts', 'utf8'))![1]!.replace(/'/g, '"')) as string[];
    const copied = [...fs.readFileSync('Dockerfile', 'utf8').matchAll(/^COPY (\S+) \.\/(\S+)$/gm)].filter((m) => m[1] === m[2]).map((m) => m[1]);
    expect(trees.filter((tree) => !copied.includes(tree))).toEqual([]);
  });

  it('the Dockerfile and the systemd unit start the server the same way', () => {
    expect(imageCommand()).toEqual(['node', 'dist/prod/server/main.js']);
    expect(unitCommand()).toEqual(imageCommand());
  });

  it('as an unprivileged user over a read-only tree: health, readiness, metrics on their own port, SIGTERM exits 0', async () => {
    const asRoot = process.getuid?.() === 0;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-image-'));
    const dataDir = path.join(work, 'data');
    if (asRoot) fs.chownSync(work, NOBODY, NOBODY);
    const [port, metricsPort] = [await freePort(), await freePort()];
    // The image's root: this checkout when the unprivileged user can read it; else (a clone in a
    // 0700 folder, as CI makes) an image-like root of its own in the temp folder: the packages
    // hard-linked (fast, read-only to that user) and package.json, as the Dockerfile lays out /app.
    const readable = !asRoot || spawnSync('test', ['-r', path.resolve('package.json')], { uid: NOBODY, gid: NOBODY }).status === 0;
    const root = readable ? process.cwd() : fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-image-root-'));
    if (!readable) {
      fs.chmodSync(root, 0o755);
      const linked = spawnSync('cp', ['-al', path.resolve('node_modules'), path.join(root, 'node_modules')], { encoding: 'utf8' });
      if (linked.status !== 0) expect(spawnSync('cp', ['-a', path.resolve('node_modules'), path.join(root, 'node_modules')]).status).toBe(0);
      fs.copyFileSync('package.json', path.join(root, 'package.json'));
    }
    // The image's build step (npm run build:server) before the run, as the Dockerfile's first stage.
    const built = spawnSync(path.resolve('node_modules/.bin/tsx'), ['scripts/buildServer.ts', path.join(root, 'dist/prod')], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    const started = Date.now() - 1;
    const [command, ...args] = imageCommand();
    const child = spawn(command === 'node' ? process.execPath : command!, args, {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: work,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        ROAMSIGN_DATA_DIR: dataDir,
        ROAMSIGN_SANDBOX: '1',
        ROAMSIGN_LOG_LEVEL: 'silent',
        ROAMSIGN_METRICS_PORT: String(metricsPort),
        TMPDIR: work,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    let exit: number | null = null;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exit = code))));
    try {
      // The server's user cannot write the source tree (a read-only root filesystem in the image).
      if (asRoot) expect(spawnSync('sh', ['-c', 'test -w dist/prod/server/main.js || test -w dist/prod/server'], { cwd: root, uid: NOBODY, gid: NOBODY }).status).toBe(1);
      const base = `http://127.0.0.1:${port}`;
      const gone = () => (exit === null ? null : `exit ${exit}: ${out}`);
      expect(await (await until200(`${base}/api/v1/health`, gone)).json()).toMatchObject({ status: 'ok' });
      expect(await (await until200(`${base}/api/v1/ready`, gone)).json()).toMatchObject({ status: 'ready' });
      const metrics = await (await until200(`http://127.0.0.1:${metricsPort}/metrics`, gone)).text();
      expect(metrics).toContain('roamsign_crl_number');
      // Without a token the main port serves no /metrics.
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      // It wrote its data folder (owner-only) and nothing in the source tree.
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      if (asRoot) expect(fs.statSync(path.join(dataDir, 'master.key')).uid).toBe(NOBODY);
      expect(changedSince(root, started)).toEqual([]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (exit === null) child.kill('SIGKILL');
      fs.rmSync(work, { recursive: true, force: true });
      if (root !== process.cwd()) fs.rmSync(root, { recursive: true, force: true });
    }
  }, CLI_TEST_TIMEOUT_MS);
});
