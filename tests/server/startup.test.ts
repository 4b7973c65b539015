import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordedPublicUrl } from '../../server/publicUrlRecord.js';
import { startupProblem } from '../../server/startupProblem.js';
import { CLI_TEST_TIMEOUT_MS } from '../helpers/cli.js';

const tsx = path.resolve('node_modules/.bin/tsx');

/** `npm start` in a child process (sandbox, SQLite): its exit code and what it printed. */
function start(env: Record<string, string>): { code: number | null; out: string } {
  const run = spawnSync(tsx, ['server/main.ts'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ROAMSIGN_DATABASE_URL: '', ROAMSIGN_SANDBOX: '1', ROAMSIGN_LOG_LEVEL: 'silent', ...env },
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('start-up failures are one clear line naming the setting', () => {
  it('a data folder that is a file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-startup-')), 'not-a-folder');
    fs.writeFileSync(file, 'x');
    const run = start({ ROAMSIGN_DATA_DIR: file, PORT: '0' });
    expect(run.code).toBe(1);
    expect(run.out.trim()).toBe(`RoamSign cannot start: the data folder ${file} is not a folder (a file is in the way); set ROAMSIGN_DATA_DIR to a folder`);
  }, CLI_TEST_TIMEOUT_MS);

  it('a port already in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const run = start({ ROAMSIGN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-startup-')), PORT: String(port), HOST: '127.0.0.1' });
      expect(run.code).toBe(1);
      expect(run.out.trim()).toBe(`RoamSign cannot start: port ${port} on 127.0.0.1 is already in use by another program; stop it or set PORT to a free port`);
    } finally {
      blocker.close();
    }
  }, CLI_TEST_TIMEOUT_MS);

  it('a second server on the same SQLite data folder (its start-up recovery would fail the first one\'s signatures)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-startup-'));
    const env = { ...process.env, ROAMSIGN_DATABASE_URL: '', ROAMSIGN_SANDBOX: '1', ROAMSIGN_LOG_LEVEL: 'silent', ROAMSIGN_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' };
    /** A server that stays up: resolves with its URL once it listens. */
    const serve = () => {
      // Node itself (not the tsx wrapper), so that SIGKILL ends the very process that holds the lock.
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const url = new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
      });
      return { child, url };
    };
    const first = serve();
    let second: ReturnType<typeof serve> | undefined;
    try {
      const url = await first.url;
      // The CLI beside it writes the links this server uses (issue 23 item 2).
      expect(fs.readFileSync(path.join(dir, 'public-url'), 'utf8').trim()).toBe(recordedPublicUrl(dir));
      const run = start({ ROAMSIGN_DATA_DIR: dir, PORT: '0' });
      expect(run.code).toBe(1);
      expect(run.out.trim()).toBe(
        `RoamSign cannot start: another RoamSign server is running on the data folder ${dir}; stop it, or set ROAMSIGN_DATA_DIR to another folder (several servers share data only through ROAMSIGN_DATABASE_URL)`,
      );
      // The first server never noticed.
      expect((await fetch(`${url}/ca.pem`)).status).toBe(200);
      // Killed outright, it leaves no lock behind: the next start serves.
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      second = serve();
      expect((await fetch(`${await second.url}/ca.pem`)).status).toBe(200);
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
    }
  }, CLI_TEST_TIMEOUT_MS * 2);

  it('PostgreSQL that does not answer, and a role it does not know: one line each, no stack (issue 23 item 3)', () => {
    const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-startup-'));
    const closed = start({ ROAMSIGN_DATA_DIR: dir(), PORT: '0', ROAMSIGN_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' });
    expect(closed.code).toBe(1);
    expect(closed.out.trim()).toBe('RoamSign cannot start: no PostgreSQL server answers at postgres://nobody@127.0.0.1:1/x; start it, or fix the host and port in ROAMSIGN_DATABASE_URL');
    const role = start({ ROAMSIGN_DATA_DIR: dir(), PORT: '0', ROAMSIGN_DATABASE_URL: 'postgres://no_such_role:secret@127.0.0.1:5432/postgres' });
    expect(role.code).toBe(1);
    expect(role.out.trim().split('\n')).toHaveLength(1);
    expect(role.out).toMatch(/^RoamSign cannot start: PostgreSQL refused the sign-in of postgres:\/\/no_such_role:\*\*\*@127\.0\.0\.1:5432\/postgres \(.*no_such_role.*\); fix the user or password/);
    expect(role.out).not.toContain('secret');
  }, CLI_TEST_TIMEOUT_MS);

  it('a folder this user may not write (the errno a non-root user gets)', () => {
    // Root writes anywhere, so the real refusal cannot be produced here; the mapping is checked as is.
    const config = { dataDir: '/srv/roamsign', port: 8787, host: '127.0.0.1' };
    for (const code of ['EACCES', 'EPERM', 'EROFS']) {
      expect(startupProblem(Object.assign(new Error('denied'), { code }), config, 'data')).toBe(
        'RoamSign cannot start: the data folder /srv/roamsign is not writable by this user; fix its permissions or set ROAMSIGN_DATA_DIR to a writable folder',
      );
    }
    expect(startupProblem(new Error('something else'), config, 'data')).toBeNull();
  });
});
