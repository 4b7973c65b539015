import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Issue 19: imports point down only. The rules are .dependency-cruiser.cjs (circles, the
// composition root, the layers); this runs them over the house, and over a small house that
// breaks each of them, so a rule that stopped biting fails here too.

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const SOURCES = ['server', 'shared', 'gate', 'widget'];
// Two cores shared by many: a cruise of ~330 modules takes seconds, tens of seconds under load.
const CRUISE_TIMEOUT_MS = 240_000;

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

async function cruise(cwd: string, sources: string[]): Promise<Violation[]> {
  const run = promisify(execFile);
  // Exit code 1..n = the number of errors; the JSON report is on stdout either way.
  const { stdout } = await run(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', ...sources], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string; message: string }) => {
      if (!error.stdout) throw new Error(`dependency-cruiser did not report: ${error.stderr ?? error.message}`);
      return { stdout: error.stdout };
    },
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const described = (v: Violation) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (circle: ${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`;

describe('dependencies point down only', () => {
  it('the house has no circle, no module but the composition root\'s callers sees Services, and no import runs back up a layer', { timeout: CRUISE_TIMEOUT_MS }, async () => {
    const violations = await cruise(ROOT, SOURCES);
    expect(violations.map(described)).toEqual([]);
  });

  describe('the rules bite', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-depcruise-'));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };

    it('on a circle, on a domain module that takes Services, on an import from a lower layer to a higher one, and on a module without a layer', { timeout: CRUISE_TIMEOUT_MS }, async () => {
      write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true } }));
      write('server/services.ts', "export interface Services { now: () => number }\n");
      // The OTP rule (layer 3) importing a signing verb (layer 7), which imports it back.
      write('server/otp/checkOtp.ts', "import { completeWithOtp } from '../signing/completeWithOtp.js';\nexport const checkOtp = () => completeWithOtp;\n");
      write('server/signing/completeWithOtp.ts', "import { checkOtp } from '../otp/checkOtp.js';\nexport const completeWithOtp = () => checkOtp;\n");
      // A portal verb taking the whole Services object.
      write('server/portal/mail.ts', "import type { Services } from '../services.js';\nexport const sendCode = (services: Services) => services.now();\n");
      // A server module no layer names.
      write('server/stray.ts', "import { checkOtp } from './otp/checkOtp.js';\nexport const stray = checkOtp;\n");
      // Allowed: a route sees Services, a verb imports below itself.
      write('server/routes/portal.ts', "import type { Services } from '../services.js';\nimport { sendCode } from '../portal/mail.js';\nexport const route = (s: Services) => sendCode(s);\n");

      const found = (await cruise(dir, ['server'])).map(described);
      expect(found).toContainEqual(expect.stringMatching(/^no-circular: server\/(otp\/checkOtp|signing\/completeWithOtp)\.ts -> /));
      expect(found).toContain('layer-3-imports-down: server/otp/checkOtp.ts -> server/signing/completeWithOtp.ts');
      expect(found).toContain('services-is-the-composition-root: server/portal/mail.ts -> server/services.ts');
      expect(found).toContain('every-server-module-has-a-layer: server/stray.ts -> server/otp/checkOtp.ts');
      expect(found.filter((v) => v.includes('server/routes/'))).toEqual([]);
      expect(found.filter((v) => v.startsWith('layer-7-imports-down: server/signing/completeWithOtp.ts'))).toEqual([]);
    });
  });
});
