import { describe, expect, it } from 'vitest';
import { AMINAH, call, createRequest, latestOtp, makeDocument } from '../helpers/api.js';
import { cli, CLI_TEST_TIMEOUT_MS } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/testDatabase.js';
import { reopenDb, startTestServer, tableNames } from '../helpers/testServices.js';

// Issue 10: `roamsign migrate-to-postgres` moves an existing SQLite data folder to PostgreSQL.
describe('migrate-to-postgres', () => {
  it('copies every table, keeps both audit chains verifiable, and a server on PostgreSQL goes on where SQLite stopped', async () => {
    // A SQLite data folder with history: a signature, a wrong PIN, an OTP message.
    const before = await startTestServer({}, { sqlite: true });
    expect(before.config.databaseUrl).toBeUndefined();
    const created = await createRequest(before);
    const otp = await latestOtp(before, created.body.id);
    await call(before, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: '000000', otp });
    const signed = await call(before, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
    expect(signed.status).toBe(200);
    const sqliteCounts = await countAll(before.services.db);
    await before.close();

    const url = (await createTestDatabase())!;
    const dataEnv = { ROAMSIGN_DATA_DIR: before.dataDir, ROAMSIGN_DATABASE_URL: '' };
    const refused = cli(dataEnv, ['migrate-to-postgres', 'mysql://nope']);
    expect(refused.code).toBe(2);

    const run = cli(dataEnv, ['migrate-to-postgres', url]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/audit chain: ok in SQLite \((\d+) entries\), ok in PostgreSQL \(\1 entries\)/);
    // Into a database that already holds data: refused, nothing changed.
    const again = cli(dataEnv, ['migrate-to-postgres', url]);
    expect(again.code).toBe(1);
    expect(again.out).toContain('not empty');

    const target = await reopenDb({ location: url });
    expect(await countAll(target)).toEqual(sqliteCounts);
    await target.close();

    // The same folder (master key) on PostgreSQL: the old signature verifies, the chain continues, signing goes on.
    const after = await startTestServer({ ROAMSIGN_DATABASE_URL: url }, { dataDir: before.dataDir });
    try {
      const report = await call(after, 'POST', '/api/v1/verify', { signature: signed.body.signatures[0].signature, digest: makeDocument('STH-2026-000123').digest });
      expect(report.body).toMatchObject({ valid: true, signer: { nric: AMINAH.nric } });
      const next = await createRequest(after, { documents: [makeDocument('STH-2026-000124')] });
      const nextOtp = await latestOtp(after, next.body.id);
      expect((await call(after, 'POST', `/api/v1/signing-requests/${next.body.id}/complete`, { pin: AMINAH.pin, otp: nextOtp })).status).toBe(200);
      expect(await after.services.audit.verify()).toMatchObject({ ok: true });
      expect(await after.services.db.get('select count(*) as n from signatures')).toEqual({ n: 2 });
    } finally {
      await after.close();
    }
  }, CLI_TEST_TIMEOUT_MS);
});

async function countAll(db: Parameters<typeof tableNames>[0]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of await tableNames(db)) counts[name] = ((await db.get(`select count(*) as n from "${name}"`)) as { n: number }).n;
  return counts;
}
