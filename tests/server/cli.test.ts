import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, CLI_TEST_TIMEOUT_MS } from '../helpers/cli.js';
import { AMINAH } from '../helpers/api.js';
import { reopenDb, startTestServer } from '../helpers/testServices.js';


describe('ops CLI', () => {
  it('verifies the audit chain, revokes an officer, and detects tampering', async () => {
    const server = await startTestServer();
    const dataDir = server.dataDir;
    await server.close();

    const ok = cli(server.env, ['audit-verify']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/audit chain ok: \d+ entries/);

    const revoked = cli(server.env, ['revoke', AMINAH.nric, 'keyCompromise']);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain('revoked');
    const db = await reopenDb(server);
    const row = (await db.get('select revocation_reason from certificates where nric = ?', AMINAH.nric)) as { revocation_reason: string };
    expect(row.revocation_reason).toBe('keyCompromise');

    (await db.run("update audit_log set actor = 'x' where seq = 2"));
    await db.close();
    const broken = cli(server.env, ['audit-verify']);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('BROKEN at entry 2');
  }, CLI_TEST_TIMEOUT_MS);

  it('prints usage for an unknown command, and opens no data folder', () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-cli-')), 'data');
    const res = cli({ ROAMSIGN_DATA_DIR: dataDir }, ['frobnicate']);
    expect(res.code).toBe(2);
    expect(res.out).toContain('Usage: npm run roamsign');
    expect(fs.existsSync(dataDir)).toBe(false);
  }, CLI_TEST_TIMEOUT_MS);
});
