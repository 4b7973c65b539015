import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../server/db/database.js';
import { seedScale } from '../server/ops/seedScale.js';
import { createDatabase, DEFAULT_PG_ADMIN_URL, dropTestDatabases, runPrefix } from '../tests/helpers/testDatabase.js';
import { startServer } from './serverProcess.js';
import { createClient, flow } from './signingBench.js';
import { fmt, heading, line, percentile, runWorkers } from './stats.js';
import { systemToken } from './systemToken.js';

export interface ScaleFigures {
  dialect: 'sqlite' | 'postgres';
  createRatioP50: number;
  completeRatioP50: number;
}

/** ROAMSIGN_BENCH_SCALE=officers,signatures (default 100000,1000000). */
function sizes(): { officers: number; signatures: number } {
  const [officers = 100_000, signatures = 1_000_000] = (process.env.ROAMSIGN_BENCH_SCALE ?? '').split(',').filter(Boolean).map(Number);
  return { officers, signatures };
}

/** One client, sequential flows: create and complete latencies of the server on `location`. */
async function latencies(dataDir: string, databaseUrl: string | undefined) {
  const server = await startServer({ dataDir, env: { ROAMSIGN_OTP_SENDS_PER_HOUR: '1000000', ...(databaseUrl ? { ROAMSIGN_DATABASE_URL: databaseUrl } : {}) } });
  const client = createClient(server.baseUrl, await systemToken(server.baseUrl));
  try {
    await runWorkers(1, 2000, () => flow(client, 1));
    const run = await runWorkers(1, 8000, () => flow(client, 1));
    return {
      createP50: percentile(run.results.map((r) => r.createMs), 50),
      completeP50: percentile(run.results.map((r) => r.completeMs), 50),
      completeP99: percentile(run.results.map((r) => r.completeMs), 99),
    };
  } finally {
    client.close();
    await server.stop();
  }
}

/** The plans of the hot path's queries on the big tables: each must use an index, never scan. */
async function plans(db: Db): Promise<string[]> {
  const queries: [string, string, unknown[]][] = [
    ['request by id', 'select * from signing_requests where id = ?', ['sr_scale_500000']],
    ['hourly OTP sends', 'select coalesce(sum(otp_sends), 0) from signing_requests where nric = ? and created_at > ?', ['700000000042', Date.now() - 3_600_000]],
    ['newest certificate', 'select * from certificates where nric = ? order by created_at desc limit 1', ['900101011234']],
    ['due movements of an officer', "select kind from movements where nric = ? and effective_at <= ? and kind = 'retirement' limit 1", ['700000000042', Date.now()]],
    ['signatures of a request', 'select cms from signatures where request_id = ? order by id', ['sr_scale_500000']],
    ['officer history', 'select * from signing_requests where nric = ? order by created_at desc limit 50', ['700000000042']],
    ['audit head', 'select seq, hash from audit_log order by seq desc limit 1', []],
  ];
  const out: string[] = [];
  for (const [label, text, params] of queries) {
    const rows = db.dialect === 'sqlite' ? await db.all(`explain query plan ${text}`, ...params) : await db.all(`explain ${text}`, ...params);
    const plan = rows.map((r) => String((r as { detail?: string; 'QUERY PLAN'?: string }).detail ?? (r as Record<string, string>)['QUERY PLAN'])).join(' | ');
    out.push(`${label}: ${plan}`);
  }
  return out;
}

/**
 * Issue 10 "Scale": create and complete latencies on an empty database, then on one seeded with
 * 100,000 officers and 1,000,000 signatures (goal: within 1.2x), and the query plans, on SQLite and
 * on PostgreSQL.
 */
export async function measureScale(): Promise<ScaleFigures[]> {
  const { officers, signatures } = sizes();
  heading(`Scale: ${officers.toLocaleString('en')} officers, ${signatures.toLocaleString('en')} signatures`);
  process.env.ROAMSIGN_TEST_RUN = `scale${crypto.randomBytes(3).toString('hex')}`;
  const figures: ScaleFigures[] = [];
  try {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-scale-'));
      const databaseUrl = dialect === 'postgres' ? await createDatabase(DEFAULT_PG_ADMIN_URL) : undefined;
      try {
        const empty = await latencies(dataDir, databaseUrl);
        const db = await openDb(databaseUrl ?? path.join(dataDir, 'roamsign.db'));
        const seedStarted = performance.now();
        try {
          await seedScale(db, { officers, signatures });
          if (db.dialect === 'postgres') await db.run('analyze');
          line(`${dialect}: seeded in`, fmt((performance.now() - seedStarted) / 1000, 0), 's');
          for (const plan of await plans(db)) console.log(`    plan ${plan}`);
        } finally {
          await db.close();
        }
        const full = await latencies(dataDir, databaseUrl);
        const createRatioP50 = full.createP50 / empty.createP50;
        const completeRatioP50 = full.completeP50 / empty.completeP50;
        line(`${dialect}: create p50 empty / seeded`, `${fmt(empty.createP50)} / ${fmt(full.createP50)}`, `ms (x${fmt(createRatioP50, 2)})`);
        line(`${dialect}: complete p50 empty / seeded`, `${fmt(empty.completeP50)} / ${fmt(full.completeP50)}`, `ms (x${fmt(completeRatioP50, 2)})`);
        line(`${dialect}: complete p99 empty / seeded`, `${fmt(empty.completeP99)} / ${fmt(full.completeP99)}`, 'ms');
        figures.push({ dialect, createRatioP50, completeRatioP50 });
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await dropTestDatabases(DEFAULT_PG_ADMIN_URL, runPrefix());
  }
  return figures;
}
