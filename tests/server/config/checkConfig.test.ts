import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfig, tooWideProxy } from '../../../server/config/checkConfig.js';
import { cli, CLI_TEST_TIMEOUT_MS } from '../../helpers/cli.js';
import { freePort } from '../../helpers/freePort.js';
import { startSmtpCapture, type SmtpCapture } from '../../helpers/smtpCapture.js';
import { startTestTsa, type TestTsa } from '../../helpers/testTsa.js';

// Issue 24: check-config prints the effective configuration (secrets masked) and every problem,
// probing the real SMTP server, TSA and HSM (SoftHSM2) it names.

const TOKEN = 'roamsign-check';
const USER_PIN = '24681357';
let smtp: SmtpCapture;
let tsa: TestTsa;
let closedPort: number;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-softhsm-'));
  fs.mkdirSync(path.join(dir, 'tokens'));
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(conf, `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', TOKEN, '--so-pin', '12345678', '--pin', USER_PIN], { env: process.env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`softhsm2-util failed: ${init.stdout}${init.stderr}`);
  [smtp, tsa, closedPort] = await Promise.all([startSmtpCapture(), startTestTsa(), freePort()]);
});
afterAll(async () => {
  await Promise.all([smtp?.close(), tsa?.close()]);
});

const production = (extra: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  ROAMSIGN_PUBLIC_URL: 'https://roamsign.anm.gov.my',
  ROAMSIGN_SMTP_URL: smtp.url,
  ROAMSIGN_TRUSTED_PROXIES: '10.1.2.0/24',
  ...extra,
});

describe('check-config', () => {
  it('a sound production configuration with a reachable SMTP server, TSA and HSM: no problems, secrets masked', async () => {
    const report = await checkConfig(
      production({
        ROAMSIGN_PDF_LEVEL: 'B-T',
        ROAMSIGN_TSA_URL: tsa.url,
        ROAMSIGN_VAULT: 'pkcs11',
        ROAMSIGN_PKCS11_SLOT_LABEL: TOKEN,
        ROAMSIGN_PKCS11_PIN: USER_PIN,
        ROAMSIGN_METRICS_TOKEN: 'a-metrics-token-of-24-chars-or-more',
      }),
    );
    expect(report.problems).toEqual([]);
    const setting = (name: string) => report.settings.find((s) => s.name === name);
    expect(setting('ROAMSIGN_PKCS11_PIN')).toEqual({ name: 'ROAMSIGN_PKCS11_PIN', value: '***', source: 'set' });
    expect(setting('ROAMSIGN_METRICS_TOKEN')?.value).toBe('***');
    expect(setting('ROAMSIGN_OTP_TTL_SECONDS')).toEqual({ name: 'ROAMSIGN_OTP_TTL_SECONDS', value: '120', source: 'default' });
    expect(JSON.stringify(report)).not.toContain(USER_PIN);
  });

  it('names every problem: sandbox in production, http public URL, proxies too wide, SMTP, TSA and HSM unreachable', async () => {
    const report = await checkConfig(
      production({
        ROAMSIGN_SANDBOX: '1',
        ROAMSIGN_PUBLIC_URL: 'http://roamsign.anm.gov.my',
        ROAMSIGN_TRUSTED_PROXIES: '0.0.0.0/0,10.0.0.0/8,203.0.113.0/20',
        ROAMSIGN_SMTP_URL: `smtp://roamsign:mail-secret@127.0.0.1:${closedPort}`,
        ROAMSIGN_TSA_URL: `http://127.0.0.1:${closedPort}/tsa`,
        ROAMSIGN_VAULT: 'pkcs11',
        ROAMSIGN_PKCS11_SLOT_LABEL: 'no-such-token',
        ROAMSIGN_PKCS11_PIN: USER_PIN,
      }),
    );
    const names = report.problems.map((p) => p.split(':')[0]);
    expect(names).toEqual([
      'ROAMSIGN_SANDBOX',
      'ROAMSIGN_PUBLIC_URL',
      'ROAMSIGN_TRUSTED_PROXIES',
      'ROAMSIGN_TRUSTED_PROXIES',
      'ROAMSIGN_SMTP_URL',
      'ROAMSIGN_TSA_URL',
      'ROAMSIGN_PKCS11_LIBRARY',
    ]);
    expect(report.problems.join('\n')).not.toContain('mail-secret');
    expect(report.problems.join('\n')).toContain('ECONNREFUSED');
  });

  it('a wrong HSM PIN is a problem too', async () => {
    const report = await checkConfig(production({ ROAMSIGN_VAULT: 'pkcs11', ROAMSIGN_PKCS11_SLOT_LABEL: TOKEN, ROAMSIGN_PKCS11_PIN: '11111111' }));
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/^ROAMSIGN_PKCS11_LIBRARY: .*CKR_PIN_INCORRECT/);
  });

  it('proxy widths', () => {
    expect(tooWideProxy('10.0.0.0/8')).toBeNull();
    expect(tooWideProxy('192.168.1.10')).toBeNull();
    expect(tooWideProxy('203.0.113.0/24')).toBeNull();
    expect(tooWideProxy('203.0.113.0/23')).not.toBeNull();
    expect(tooWideProxy('::/0')).not.toBeNull();
    expect(tooWideProxy('fd00:1::/48')).toBeNull();
    expect(tooWideProxy('fd00::/16')).not.toBeNull();
  });

  it('the command exits 1 on a problem and 0 without, bad values named', async () => {
    const bad = cli({}, ['check-config'], { ROAMSIGN_OTP_TTL_SECONDS: 'soon', ROAMSIGN_SANDBOX: '1' });
    expect(bad.out).toContain('problem: ROAMSIGN_OTP_TTL_SECONDS');
    expect(bad.code).toBe(1);
    const good = cli({}, ['check-config'], { ROAMSIGN_SANDBOX: '1', ROAMSIGN_METRICS_TOKEN: 'x'.repeat(30) });
    expect(good.out).toMatch(/ROAMSIGN_METRICS_TOKEN\s+\*\*\*/);
    expect(good.out).toContain('no problems found');
    expect(good.code).toBe(0);
  }, CLI_TEST_TIMEOUT_MS);
});
