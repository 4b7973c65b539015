import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../../../bench/serverProcess.js';
import { systemToken } from '../../../bench/systemToken.js';
import { openDb, type Db } from '../../../server/db/database.js';
import { AMINAH, makeDocument } from '../../helpers/api.js';
import { cli } from '../../helpers/cli.js';
import { freePort } from '../../helpers/freePort.js';
import { createTestDatabase } from '../../helpers/testDatabase.js';

// Issue 9, "crash recovery", with a real server process killed with SIGKILL while it signs. The
// sandbox-only test hook ROAMSIGN_TEST_SIGNING_DELAY_MS holds the signature after the OTP is
// consumed, so the kill lands exactly between consumption and commit.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let proc: ServerProcess | undefined;
let db: Db | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await proc?.stop();
  await db?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  proc = db = dataDir = undefined;
});

async function api(base: string, token: string, method: string, pathname: string, body?: unknown) {
  const res = await fetch(`${base}${pathname}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function otpOf(base: string, id: string): Promise<string> {
  const messages = (await (await fetch(`${base}/api/v1/dev/outbox?to=${AMINAH.nric}`)).json()) as { requestId: string; otp: string }[];
  return messages.find((m) => m.requestId === id)!.otp;
}

describe('kill -9 between the OTP and the signature', () => {
  it('the request ends failed (interrupted), never pending past its expiry; complete answers at once; the officer signs again; the audit chain holds', { timeout: 180_000 }, async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-crash-'));
    const databaseUrl = await createTestDatabase();
    const port = await freePort();
    const dataEnv: Record<string, string> = databaseUrl ? { ROAMSIGN_DATABASE_URL: databaseUrl } : {};
    proc = await startServer({ dataDir, port, env: { ...dataEnv, ROAMSIGN_TEST_SIGNING_DELAY_MS: '120000' } });
    const base = proc.baseUrl;
    const token = await systemToken(base);

    const created = await api(base, token, 'POST', '/api/v1/signing-requests', { nric: AMINAH.nric, system: 'igfmas', documents: [makeDocument('CRASH-1')] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const otp = await otpOf(base, id);
    const completing = api(base, token, 'POST', `/api/v1/signing-requests/${id}/complete`, { pin: AMINAH.pin, otp });
    completing.catch(() => undefined);

    db = await openDb(databaseUrl ?? path.join(dataDir, 'roamsign.db'));
    const status = async () => (await db!.get<{ status: string }>('select status from signing_requests where id = ?', id))!.status;
    for (let i = 0; i < 600 && (await status()) !== 'signing'; i++) await sleep(50);
    expect(await status()).toBe('signing');

    await proc.kill();
    await expect(completing).rejects.toThrow();
    proc = await startServer({ dataDir, port, env: dataEnv });

    // SQLite: recovered at start (this process is the only signer). PostgreSQL: once the signing
    // lease has run out, by the sweep or on sight. Until then it is pending, never past its expiry.
    let view = await api(base, token, 'GET', `/api/v1/signing-requests/${id}`);
    for (let i = 0; i < 300 && view.body.status === 'pending'; i++) {
      expect(Date.parse(view.body.expiresAt)).toBeGreaterThan(Date.now() - 1000);
      await sleep(100);
      view = await api(base, token, 'GET', `/api/v1/signing-requests/${id}`);
    }
    expect(view.body.status).toBe('failed');
    if (!databaseUrl) expect(await status()).toBe('failed');

    const again = await api(base, token, 'POST', `/api/v1/signing-requests/${id}/complete`, { pin: AMINAH.pin, otp });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'request_not_pending', details: { status: 'failed', reason: 'interrupted' } });
    expect(Number((await db.get<{ n: number }>('select count(*) as n from signatures where request_id = ?', id))!.n)).toBe(0);

    const next = await api(base, token, 'POST', '/api/v1/signing-requests', { nric: AMINAH.nric, system: 'igfmas', documents: [makeDocument('CRASH-1')] });
    expect(next.status).toBe(201);
    const signed = await api(base, token, 'POST', `/api/v1/signing-requests/${next.body.id}/complete`, { pin: AMINAH.pin, otp: await otpOf(base, next.body.id) });
    expect(signed.status).toBe(200);

    await proc.stop();
    proc = undefined;
    const verified = cli({ ROAMSIGN_DATA_DIR: dataDir, ...dataEnv }, ['audit-verify']);
    expect(verified.out).not.toMatch(/broken|mismatch/i);
    expect(verified.code).toBe(0);
    expect(Number((await db.get<{ n: number }>("select count(*) as n from audit_log where action = 'request.interrupted' and subject = ?", id))!.n)).toBe(1);
  });
});
