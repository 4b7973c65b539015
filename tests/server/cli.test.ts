import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AMINAH } from '../helpers/api.js';
import { startTestServer } from '../helpers/testServices.js';

const tsx = path.resolve('node_modules/.bin/tsx');

function cli(dataDir: string, ...args: string[]) {
  const run = spawnSync(tsx, ['server/cli.ts', ...args], { encoding: 'utf8', env: { ...process.env, ROAMSIGN_DATA_DIR: dataDir, ROAMSIGN_SANDBOX: '' } });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('ops CLI', () => {
  it('verifies the audit chain, revokes an officer, and detects tampering', async () => {
    const server = await startTestServer();
    const dataDir = server.dataDir;
    server.close();

    const ok = cli(dataDir, 'audit-verify');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/audit chain ok: \d+ entries/);

    const revoked = cli(dataDir, 'revoke', AMINAH.nric, 'keyCompromise');
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain('revoked');
    const db = new Database(path.join(dataDir, 'roamsign.db'));
    const row = db.prepare('select revocation_reason from certificates where nric = ?').get(AMINAH.nric) as { revocation_reason: string };
    expect(row.revocation_reason).toBe('keyCompromise');

    db.prepare("update audit_log set actor = 'x' where seq = 2").run();
    db.close();
    const broken = cli(dataDir, 'audit-verify');
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('BROKEN at entry 2');
  });

  it('prints usage for an unknown command', () => {
    const res = cli('/tmp/roamsign-cli-unused', 'frobnicate');
    expect(res.code).toBe(2);
    expect(res.out).toContain('Usage: npm run roamsign');
  });
});
