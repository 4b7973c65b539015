import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SoakFigures } from '../../bench/soak.js';
import { createTestDatabase } from '../helpers/testDatabase.js';

// Issue 9: the short version of `npm run soak` (the committed script itself, as a child process):
// 10 clients for 10 s, kill -9 half-way, restart, audit-verify. Lost, duplicate and stuck must be 0.

function runSoakScript(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.resolve('node_modules/.bin/tsx'), ['bench/soak.ts', '--seconds', '10', '--clients', '10'], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run soak, short', () => {
  it('10 clients, 10 s, kill -9 and restart: no signature lost or doubled, no request stuck, the audit chain intact', { timeout: 240_000 }, async () => {
    const databaseUrl = await createTestDatabase();
    const { code, out } = await runSoakScript({ ROAMSIGN_DATABASE_URL: databaseUrl ?? '' });
    const line = /^SOAK (.+)$/m.exec(out)?.[1];
    expect(line, out).toBeDefined();
    const figures = JSON.parse(line!) as SoakFigures;
    expect(figures.flows).toBeGreaterThan(0);
    expect(figures.lostSignatures).toBe(0);
    expect(figures.duplicateSignatures).toBe(0);
    expect(figures.stuckRequests).toBe(0);
    expect(figures.unexpectedAnswers).toBe(0);
    expect(figures.auditChainOk).toBe(true);
    expect(out).toMatch(/killed the server \(SIGKILL\)/);
    expect(code, out).toBe(0);
  });
});
