import crypto from 'node:crypto';
import { seedScale } from '../server/ops/seedScale.js';
import { createAdmin } from '../server/portal/adminPortal.js';
import { DEFAULT_PG_ADMIN_URL, createDatabase, dropTestDatabases, runPrefix } from '../tests/helpers/testDatabase.js';
import { startTestServer } from '../tests/helpers/testServices.js';
import { fmt, heading, line, percentile } from './stats.js';

export interface ConsoleFigures {
  dialect: 'sqlite' | 'postgres';
  searchP95Ms: number;
  largestPageBytes: number;
  largestPage: string;
}

/** ROAMSIGN_BENCH_CONSOLE_OFFICERS (default 100000). */
const OFFICERS = Number(process.env.ROAMSIGN_BENCH_CONSOLE_OFFICERS ?? 100_000);

/** The searches an administrator makes, each a console page answered by the server. */
const SEARCHES = [
  '/portal/admin/officers',
  '/portal/admin/officers?page=1000',
  '/portal/admin/officers?q=700000042',
  '/portal/admin/officers?q=700000012345',
  '/portal/admin/officers?q=skala%2012345',
  '/portal/admin/officers?q=pegawai777%40skala',
  '/portal/admin/officers?status=suspended',
  '/portal/admin/officers?status=locked',
  '/portal/admin/officers?status=unverified&agency=3007',
  '/portal/admin/officers?medium=token&sort=created&dir=desc',
  '/portal/admin/officers?agency=3011&sort=email',
  '/portal/admin/officers?import=imp_scale_7&status=unverified',
  '/portal/admin/officers?sort=nric&dir=desc&page=500',
];

/** Every console page, for its size. */
const PAGES = ['/portal/admin', '/portal/admin/officers', '/portal/admin/officers/700000000042', '/portal/admin/imports', '/portal/admin/audit', '/portal/admin/import', '/portal/admin/password'];

/**
 * Issue 13: the console at national scale. Seeds 100,000 officers (20 agencies) into a fresh
 * server, signs in a national administrator, then times the officer searches as the server
 * answers them (in process: server time, no network) and weighs every console page.
 */
export async function measureConsole(): Promise<ConsoleFigures[]> {
  heading(`Console: ${OFFICERS.toLocaleString('en')} officers`);
  process.env.ROAMSIGN_TEST_RUN = `console${crypto.randomBytes(3).toString('hex')}`;
  const figures: ConsoleFigures[] = [];
  try {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const databaseUrl = dialect === 'postgres' ? await createDatabase(DEFAULT_PG_ADMIN_URL).catch(() => undefined) : undefined;
      if (dialect === 'postgres' && !databaseUrl) {
        line('postgres', 'skipped', '(no PostgreSQL on 127.0.0.1:5432)');
        continue;
      }
      const server = await startTestServer(databaseUrl ? { ROAMSIGN_DATABASE_URL: databaseUrl } : {}, { sqlite: dialect === 'sqlite', realClock: true });
      try {
        const seeded = performance.now();
        await seedScale(server.services.db, { officers: OFFICERS, signatures: 0 });
        if (dialect === 'postgres') await server.services.db.run('analyze');
        line(`${dialect}: seeded in`, fmt((performance.now() - seeded) / 1000, 0), 's');
        const browser = await signIn(server);
        for (const path of SEARCHES) await browser.get(path); // warm-up
        const times: number[] = [];
        const byPath = new Map<string, number[]>();
        for (let round = 0; round < 8; round++) {
          for (const path of SEARCHES) {
            const started = performance.now();
            const res = await browser.get(path);
            const ms = performance.now() - started;
            times.push(ms);
            byPath.set(path, [...(byPath.get(path) ?? []), ms]);
            if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
          }
        }
        const slowest = [...byPath].map(([path, ms]) => [path, percentile(ms, 50)] as const).sort((a, b) => b[1] - a[1]).slice(0, 4);
        for (const [path, ms] of slowest) console.log(`    slowest: ${fmt(ms)} ms p50 ${path}`);
        let largestPageBytes = 0;
        let largestPage = '';
        for (const path of [...PAGES, ...SEARCHES]) {
          const bytes = Buffer.byteLength((await browser.get(path)).text);
          if (bytes > largestPageBytes) [largestPageBytes, largestPage] = [bytes, path];
        }
        const searchP95Ms = percentile(times, 95);
        line(`${dialect}: search p50 / p95 / max`, `${fmt(percentile(times, 50))} / ${fmt(searchP95Ms)} / ${fmt(Math.max(...times))}`, `ms (${times.length} searches)`);
        line(`${dialect}: largest console page`, fmt(largestPageBytes / 1024, 1), `KB (${largestPage})`);
        figures.push({ dialect, searchP95Ms, largestPageBytes, largestPage });
      } finally {
        await server.close();
      }
    }
  } finally {
    await dropTestDatabases(DEFAULT_PG_ADMIN_URL, runPrefix()).catch(() => undefined);
  }
  return figures;
}

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** A cookie-keeping caller of the app in process (the tests' Browser imports vitest). */
class Caller {
  private cookies = new Map<string, string>();
  constructor(private readonly server: TestServer) {}
  async send(path: string, form?: Record<string, string>): Promise<{ status: number; text: string }> {
    const headers = new Headers({ cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') });
    if (form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      headers.set('origin', 'http://localhost:8787');
    }
    const res = await this.server.app.request(path, form ? { method: 'POST', headers, body: new URLSearchParams(form).toString() } : { headers });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return { status: res.status, text: await res.text() };
  }
  get(path: string) {
    return this.send(path);
  }
}

async function signIn(server: TestServer): Promise<Caller> {
  const password = 'bench password long enough';
  await createAdmin(server.services, { nric: '800101015555', name: 'Pentadbir Bench', email: 'bench@anm.gov.my', role: 'admin', agencyCode: null, password }, 'bench');
  const caller = new Caller(server);
  const step1 = await caller.send('/portal/admin/sign-in', { nric: '800101015555', password });
  const challengeId = /name="challengeId" value="([^"]+)"/.exec(step1.text)?.[1] ?? '';
  const code = (await server.services.outbox.list('800101015555')).find((m) => m.otp)?.otp ?? '';
  const done = await caller.send('/portal/admin/sign-in/code', { challengeId, code });
  if (done.status !== 303) throw new Error(`bench sign-in failed: ${done.status}`);
  return caller;
}
