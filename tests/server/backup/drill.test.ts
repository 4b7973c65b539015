import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AMINAH, call, createRequest, documentBytes, latestOtp, makeDocument, WEIMING } from '../../helpers/api.js';
import { cli, CLI_TEST_TIMEOUT_MS } from '../../helpers/cli.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

// Issue 24's restore drill: sign under load, back up while signing (another process, SQLite's online
// backup), wipe, restore into a new folder, and find every signature received before the backup
// began, a verifying audit chain, and a restored server that signs.

const PASSPHRASE = 'drill passphrase, long enough';
const tsx = path.resolve('node_modules/.bin/tsx');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-drill-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Received {
  requestId: string;
  documentId: string;
  signature: string;
}

/** The CLI in a child process, awaited without blocking this process (the server keeps signing meanwhile). */
function cliAsync(env: Record<string, string>, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['server/cli.ts', ...args], { env: { ...process.env, ROAMSIGN_DATABASE_URL: '', ROAMSIGN_SANDBOX: '', ...env } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** One signer: create, read the OTP, complete, again and again until told to stop. */
async function signLoop(server: TestServer, officer: { nric: string; pin: string }, tag: string, received: Received[], stop: { now: boolean }) {
  for (let i = 0; !stop.now; i++) {
    const documentId = `${tag}-${i}`;
    const created = await createRequest(server, { nric: officer.nric, documents: [makeDocument(documentId)] });
    if (created.status !== 201) throw new Error(`create ${documentId}: ${created.status} ${JSON.stringify(created.body)}`);
    const otp = await latestOtp(server, created.body.id, officer.nric);
    const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: officer.pin, otp });
    if (done.status !== 200) throw new Error(`complete ${documentId}: ${done.status} ${JSON.stringify(done.body)}`);
    received.push({ requestId: created.body.id, documentId, signature: done.body.signatures[0].signature });
  }
}

/** Resolves once `test` holds, polling; fails naming `what` after the deadline. */
async function until(what: string, test: () => boolean, deadlineMs = 60_000) {
  const end = Date.now() + deadlineMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('backup and restore drill (SQLite)', () => {
  it(
    'backs up while signing, restores into a new folder, keeps every earlier signature, verifies the chain, signs again',
    async () => {
      const limits = { ROAMSIGN_OTP_SENDS_PER_HOUR: '10000', ROAMSIGN_PENDING_PER_CALLER: '50' };
      const server = await startTestServer(limits, { sqlite: true, realClock: true });
      const received: Received[] = [];
      const stop = { now: false };
      const signers = [signLoop(server, AMINAH, 'A', received, stop), signLoop(server, WEIMING, 'W', received, stop)];
      const failed = Promise.all(signers).then(() => undefined);
      await Promise.race([until('5 signatures before the backup', () => received.length >= 5), failed]);

      // Back up while both signers go on.
      const file = path.join(work, 'roamsign.backup');
      const before = received.slice();
      const backup = await cliAsync({ ...server.env, ROAMSIGN_BACKUP_PASSPHRASE: PASSPHRASE }, ['backup', file]);
      stop.now = true;
      await failed;
      expect(backup.out).toContain('backup written');
      expect(backup.code).toBe(0);
      await server.close();

      // The file is encrypted: neither a MyKad number nor SQLite's header is readable in it.
      const bytes = fs.readFileSync(file);
      expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
      expect(bytes.includes(Buffer.from(AMINAH.nric))).toBe(false);

      // Wipe.
      fs.rmSync(server.dataDir, { recursive: true, force: true });

      // A wrong passphrase restores nothing.
      const wrong = path.join(work, 'wrong');
      const refused = cli({}, ['restore', file, wrong], { ROAMSIGN_BACKUP_PASSPHRASE: 'not the passphrase at all' });
      expect(refused.out).toContain('wrong passphrase');
      expect(refused.code).toBe(1);
      expect(fs.existsSync(wrong)).toBe(false);

      // Restore into a new folder: the check runs and passes.
      const fresh = path.join(work, 'restored');
      const restored = cli({}, ['restore', file, fresh], { ROAMSIGN_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(restored.out).toMatch(/audit chain ok: \d+ entries/);
      expect(restored.out).toContain('master key: matches the database');
      expect(restored.code).toBe(0);
      expect(fs.statSync(fresh).mode & 0o777).toBe(0o700);

      // A second restore onto it is refused: it is no longer empty.
      const again = cli({}, ['restore', file, fresh], { ROAMSIGN_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(again.out).toContain('not empty');
      expect(again.code).toBe(1);

      // Start a server on the restored folder.
      const back = await startTestServer(limits, { dataDir: fresh, sqlite: true, realClock: true });
      try {
        expect(await back.services.audit.verify()).toMatchObject({ ok: true });
        // Every signature received before the backup began is there, byte for byte, and verifies.
        for (const r of before) {
          const row = await back.services.db.get<{ cms: Buffer }>('select cms from signatures where request_id = ? and document_id = ?', r.requestId, r.documentId);
          expect(row, `signature of ${r.documentId}`).toBeDefined();
          expect(Buffer.from(row!.cms).toString('base64')).toBe(r.signature);
        }
        const first = before[0]!;
        const verified = await call(back, 'POST', '/api/v1/verify', { signature: first.signature, content: documentBytes(first.documentId).toString('base64') });
        expect(verified.status).toBe(200);
        expect(verified.body.valid).toBe(true);
        // And it signs.
        const created = await createRequest(back, { documents: [makeDocument('AFTER-RESTORE')] });
        expect(created.status).toBe(201);
        const done = await call(back, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp: await latestOtp(back, created.body.id) });
        expect(done.status).toBe(200);
        expect((await back.services.audit.verify()).ok).toBe(true);
      } finally {
        await back.close();
      }
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it('restore-check names a master key that is not the database\'s', async () => {
    const server = await startTestServer({}, { sqlite: true });
    await server.close();
    fs.writeFileSync(path.join(server.dataDir, 'master.key'), Buffer.alloc(32, 7).toString('base64') + '\n');
    const checked = cli(server.env, ['restore-check']);
    expect(checked.out).toContain('master key: WRONG');
    expect(checked.code).toBe(1);
  }, CLI_TEST_TIMEOUT_MS);
});
