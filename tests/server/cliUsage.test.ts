import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../../server/cli/commands/index.js';
import { runCli } from '../../server/cli/runCli.js';
import { cli, CLI_TEST_TIMEOUT_MS } from '../helpers/cli.js';
import { reopenDb, startTestServer } from '../helpers/testServices.js';

// The CLI's own reading of its arguments (node:util parseArgs): help for every command, and a wrong
// argument said in one line with exit 2, before anything is opened.
describe('npm run roamsign: help and wrong arguments', () => {
  let printed: { out: string[]; err: string[] };
  let dataDir: string;
  beforeEach(() => {
    printed = { out: [], err: [] };
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.out.push(line));
    vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.err.push(line));
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-cli-usage-')), 'data');
    vi.stubEnv('ROAMSIGN_DATA_DIR', dataDir);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    // Nothing was opened: no data folder was made.
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('help and --help list every command with its synopsis and what it does (exit 0)', async () => {
    for (const flag of ['help', '--help', '-h']) {
      printed.out = [];
      expect(await runCli([flag])).toBe(0);
      const text = printed.out.join('\n');
      expect(text).toContain('Usage: npm run roamsign -- <command>');
      for (const command of COMMANDS) expect(text).toContain(`  ${command.synopsis}`);
    }
    expect(COMMANDS.map((c) => c.name)).toContain('seed-scale');
  });

  it.each(COMMANDS.map((c) => c.name))('%s --help (and help %s) prints its usage and exits 0', async (name) => {
    const command = COMMANDS.find((c) => c.name === name)!;
    expect(await runCli([name, '--help'])).toBe(0);
    expect(await runCli(['help', name])).toBe(0);
    const [viaFlag, viaHelp] = [printed.out[0]!, printed.out[1]!];
    expect(viaFlag).toBe(viaHelp);
    expect(viaFlag.split('\n')[0]).toBe(`Usage: npm run roamsign -- ${command.synopsis}`);
    expect(viaFlag.split('\n')[2]!.length).toBeGreaterThan(10);
    expect(printed.err).toEqual([]);
  });

  it.each([
    [['revoke'], 'revoke: missing <serial|nric>'],
    [['revoke', '900101011234', 'lost'], 'revoke: reason "lost" is not one of unspecified, keyCompromise'],
    [['unlock', '900101011234', 'extra'], 'unlock: unexpected argument "extra"'],
    [['movement', '900101011234', 'promotion', '2020-01-01'], 'movement: movement "promotion" is not one of transfer, retirement, end_of_role'],
    [['movement', '900101011234', 'retirement', 'not-a-date'], 'movement: effective date "not-a-date" is not an ISO date'],
    [['run-jobs', '0'], 'run-jobs: inactivityDays "0" is not a whole number of days above 0'],
    [['create-admin', '700101010001', 'Nama'], 'create-admin: missing <email>'],
    [['create-admin', '700101010001', 'Nama', 'x@anm.gov.my', '--role', 'boss'], 'create-admin: role "boss" is not one of admin, sap, sa, ap'],
    [['create-admin', '700101010001', 'Nama', 'x@anm.gov.my', '--role'], "create-admin: Option '--role <value>' argument missing"],
    [['create-admin', '700101010001', 'Nama', 'x@anm.gov.my', '--colour', 'blue'], "create-admin: Unknown option '--colour'"],
    [['import-officers', 'pegawai.csv'], 'import-officers: missing --agency <code>'],
    [['import-officers', '/no/such/file.csv', '--agency', '1009'], 'import-officers: cannot read /no/such/file.csv: ENOENT'],
    [['resend-verification'], 'resend-verification: give one of --import <batch> or --agency <code>'],
    [['resend-verification', '--import', 'imp_1', '--agency', '1009'], 'resend-verification: give one of --import <batch> or --agency <code>'],
    [['create-client', 'speks', '--scope', 'everything'], 'create-client: --scope "everything" is not a list of signing, approvals'],
    [['passkey-policy', 'officer', '900101011234'], 'passkey-policy: scope "officer" is not one of system, agency'],
    [['passkey-policy', 'system', 'igfmas', 'never'], 'passkey-policy: policy "never" is not one of otp, otp-or-passkey, passkey-required, default'],
    [['migrate-to-postgres', 'mysql://nope'], 'migrate-to-postgres: "mysql://nope" is not a postgres:// URL'],
    [['seed-scale', '--officers', 'many'], 'seed-scale: --officers "many" is not a whole number'],
  ])('%j is refused in one line with exit 2', async (args, message) => {
    expect(await runCli(args)).toBe(2);
    expect(printed.err).toHaveLength(1);
    expect(printed.err[0]).not.toContain('\n');
    expect(printed.err[0]).toContain(message);
    expect(printed.err[0]).toMatch(new RegExp(`\\(npm run roamsign -- ${args[0]} --help\\)$`));
    expect(printed.out).toEqual([]);
  });

  it('an unknown command is named, with the usage (exit 2); no command prints the usage (exit 2)', async () => {
    expect(await runCli(['frobnicate'])).toBe(2);
    expect(printed.err[0]).toMatch(/^unknown command "frobnicate"\n\nUsage: npm run roamsign/);
    expect(await runCli(['help', 'frobnicate'])).toBe(2);
    expect(await runCli([])).toBe(2);
    expect(printed.err[2]).toMatch(/^Usage: npm run roamsign/);
  });
});

describe('npm run roamsign -- seed-scale', () => {
  it('fills the database with officers and signatures in sandbox mode, with a progress bar on stderr; refuses outside the sandbox', async () => {
    const server = await startTestServer();
    await server.close();

    const refused = cli(server.env, ['seed-scale', '--officers', '10', '--signatures', '10']);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('only in sandbox mode');

    const seeded = cli(server.env, ['seed-scale', '--officers', '2500', '--signatures', '1200', '--agencies', '3'], { ROAMSIGN_SANDBOX: '1' });
    expect(seeded.code, seeded.out).toBe(0);
    expect(seeded.out).toContain('seeded 2,500 officers and 1,200 signatures in');
    // The bar's last state of each phase (stderr is a pipe here: one line per state, no redrawing).
    expect(seeded.out).toMatch(/officers +\[=+\] 100% \| 2,500\/2,500/);
    expect(seeded.out).toMatch(/signatures +\[=+\] 100% \| 1,200\/1,200/);

    const db = await reopenDb(server);
    try {
      const count = async (query: string) => Number(((await db.get(query)) as { n: number }).n);
      expect(await count("select count(*) as n from officers where nric like '70%'")).toBe(2500);
      expect(await count("select count(*) as n from signatures where certificate_serial = 'scale'")).toBe(1200);
      expect(await count("select count(distinct agency_code) as n from officers where nric like '70%'")).toBe(3);
    } finally {
      await db.close();
    }
    // Again: nothing is added twice.
    expect(cli(server.env, ['seed-scale', '--officers', '2500', '--signatures', '1200', '--agencies', '3'], { ROAMSIGN_SANDBOX: '1' }).code).toBe(0);
    const again = await reopenDb(server);
    try {
      expect(Number(((await again.get("select count(*) as n from officers where nric like '70%'")) as { n: number }).n)).toBe(2500);
    } finally {
      await again.close();
    }
  }, CLI_TEST_TIMEOUT_MS);
});
