import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AMINAH, RAJESH, WEIMING } from '../../helpers/api.js';
import { startTestServer } from '../../helpers/testServices.js';
import { DAY_MS } from './helpers.js';

const tsx = path.resolve('node_modules/.bin/tsx');

function cli(dataDir: string, ...args: string[]) {
  const run = spawnSync(tsx, ['server/cli.ts', ...args], { encoding: 'utf8', env: { ...process.env, ROAMSIGN_DATA_DIR: dataDir, ROAMSIGN_SANDBOX: '' } });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('lifecycle CLI', () => {
  it('records and applies movements, runs the jobs, reactivates, and refuses bad input', async () => {
    const server = await startTestServer({}, { realClock: true });
    const dataDir = server.dataDir;
    server.close();
    const db = new Database(path.join(dataDir, 'roamsign.db'));
    const officer = (nric: string) => db.prepare('select status, agency_code as agency from officers where nric = ?').get(nric) as { status: string; agency: string };
    const movementCount = () => (db.prepare('select count(*) as n from movements').get() as { n: number }).n;
    try {
      // Bad input: exit 1 with the code, nothing recorded.
      const unknown = cli(dataDir, 'movement', '111111111111', 'retirement', '2020-01-01');
      expect(unknown.code).toBe(1);
      expect(unknown.out).toContain('refused: user_not_found');
      const badAgency = cli(dataDir, 'movement', AMINAH.nric, 'transfer', '2020-01-01', '9999');
      expect(badAgency.code).toBe(1);
      expect(badAgency.out).toContain('refused: bad_request');
      expect(cli(dataDir, 'movement', AMINAH.nric, 'promotion', '2020-01-01').code).toBe(2);
      expect(cli(dataDir, 'movement', AMINAH.nric, 'retirement', 'not-a-date').code).toBe(2);
      expect(movementCount()).toBe(0);

      // A retirement already due is applied at once: retired, certificate revoked.
      const retired = cli(dataDir, 'movement', AMINAH.nric, 'retirement', '2020-01-01');
      expect(retired.code).toBe(0);
      expect(retired.out).toMatch(/^mv_\S+: retirement of 900101011234 effective 2019-12-31T16:00:00.000Z applied/m);
      expect(officer(AMINAH.nric).status).toBe('retired');
      expect(db.prepare('select revocation_reason as reason from certificates where nric = ?').get(AMINAH.nric)).toEqual({ reason: 'cessationOfOperation' });

      // A future one is only recorded.
      const future = cli(dataDir, 'movement', WEIMING.nric, 'end_of_role', new Date(Date.now() + 30 * DAY_MS).toISOString());
      expect(future.code).toBe(0);
      expect(future.out).toContain('recorded');
      expect(officer(WEIMING.nric).status).toBe('active');

      // run-jobs: suspends the idle officer, then nothing more on a second run.
      db.prepare('update officers set last_activity_at = ? where nric = ?').run(Date.now() - 91 * DAY_MS, RAJESH.nric);
      const jobs = cli(dataDir, 'run-jobs');
      expect(jobs.code).toBe(0);
      expect(jobs.out).toContain('movements applied: 0, officers suspended: 1');
      expect(officer(RAJESH.nric).status).toBe('suspended');
      expect(cli(dataDir, 'run-jobs').out).toContain('movements applied: 0, officers suspended: 0');
      expect(cli(dataDir, 'run-jobs', '0').code).toBe(2);

      const back = cli(dataDir, 'reactivate', RAJESH.nric);
      expect(back.code).toBe(0);
      expect(back.out).toContain(`${RAJESH.nric}: reactivated`);
      expect(officer(RAJESH.nric).status).toBe('active');
      const retiredBack = cli(dataDir, 'reactivate', AMINAH.nric);
      expect(retiredBack.code).toBe(1);
      expect(retiredBack.out).toContain('refused: forbidden');

      expect(cli(dataDir, 'audit-verify').code).toBe(0);
      expect(cli(dataDir, 'help').out).toContain('run-jobs [inactivityDays]');
    } finally {
      db.close();
    }
  });
});
