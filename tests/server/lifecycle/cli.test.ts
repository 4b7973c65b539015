import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, CLI_TEST_TIMEOUT_MS } from '../../helpers/cli.js';
import { AMINAH, RAJESH, WEIMING } from '../../helpers/api.js';
import { reopenDb, startTestServer } from '../../helpers/testServices.js';
import { DAY_MS } from './helpers.js';


describe('lifecycle CLI', () => {
  it('records and applies movements, runs the jobs, reactivates, and refuses bad input', async () => {
    const server = await startTestServer({}, { realClock: true });
    const dataDir = server.dataDir;
    await server.close();
    const db = await reopenDb(server);
    const officer = async (nric: string) => (await db.get('select status, agency_code as agency from officers where nric = ?', nric)) as { status: string; agency: string };
    const movementCount = async () => ((await db.get('select count(*) as n from movements')) as { n: number }).n;
    try {
      // Bad input: exit 1 with the code, nothing recorded.
      const unknown = cli(server.env, ['movement', '111111111111', 'retirement', '2020-01-01']);
      expect(unknown.code).toBe(1);
      expect(unknown.out).toContain('refused: user_not_found');
      const badAgency = cli(server.env, ['movement', AMINAH.nric, 'transfer', '2020-01-01', '9999']);
      expect(badAgency.code).toBe(1);
      expect(badAgency.out).toContain('refused: bad_request');
      expect(cli(server.env, ['movement', AMINAH.nric, 'promotion', '2020-01-01']).code).toBe(2);
      expect(cli(server.env, ['movement', AMINAH.nric, 'retirement', 'not-a-date']).code).toBe(2);
      expect(await movementCount()).toBe(0);

      // A retirement already due is applied at once: retired, certificate revoked.
      const retired = cli(server.env, ['movement', AMINAH.nric, 'retirement', '2020-01-01']);
      expect(retired.code).toBe(0);
      expect(retired.out).toMatch(/^mv_\S+: retirement of 900101011234 effective 2019-12-31T16:00:00.000Z applied/m);
      expect((await officer(AMINAH.nric)).status).toBe('retired');
      expect((await db.get('select revocation_reason as reason from certificates where nric = ?', AMINAH.nric))).toEqual({ reason: 'cessationOfOperation' });

      // A future one is only recorded.
      const future = cli(server.env, ['movement', WEIMING.nric, 'end_of_role', new Date(Date.now() + 30 * DAY_MS).toISOString()]);
      expect(future.code).toBe(0);
      expect(future.out).toContain('recorded');
      expect((await officer(WEIMING.nric)).status).toBe('active');

      // run-jobs: suspends the idle officer, then nothing more on a second run.
      (await db.run('update officers set last_activity_at = ? where nric = ?', Date.now() - 91 * DAY_MS, RAJESH.nric));
      const jobs = cli(server.env, ['run-jobs']);
      expect(jobs.code).toBe(0);
      expect(jobs.out).toContain('movements applied: 0, officers suspended: 1');
      expect((await officer(RAJESH.nric)).status).toBe('suspended');
      expect(cli(server.env, ['run-jobs']).out).toContain('movements applied: 0, officers suspended: 0');
      expect(cli(server.env, ['run-jobs', '0']).code).toBe(2);

      const back = cli(server.env, ['reactivate', RAJESH.nric]);
      expect(back.code).toBe(0);
      expect(back.out).toContain(`${RAJESH.nric}: reactivated`);
      expect((await officer(RAJESH.nric)).status).toBe('active');
      const retiredBack = cli(server.env, ['reactivate', AMINAH.nric]);
      expect(retiredBack.code).toBe(1);
      expect(retiredBack.out).toContain('refused: forbidden');

      expect(cli(server.env, ['audit-verify']).code).toBe(0);
      expect(cli(server.env, ['help']).out).toContain('run-jobs [inactivityDays]');
    } finally {
      await db.close();
    }
  }, CLI_TEST_TIMEOUT_MS);
});
