import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTable, withConfigTable } from '../../../server/config/configTable.js';
import { envSchema } from '../../../server/env.js';

// Issue 24: README's Configuration table is generated from the environment schema, so it cannot drift.

describe('the README configuration table', () => {
  it('is the one generated from server/env.ts (run `npm run docs:config` after changing the schema)', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    expect(withConfigTable(readme)).toBe(readme);
  });

  it('has one row per variable of the schema, with its default', () => {
    const rows = configTable().split('\n').slice(2);
    expect(rows.map((row) => /^\| `(\w+)`/.exec(row)?.[1])).toEqual(Object.keys(envSchema.shape));
    expect(rows.find((row) => row.startsWith('| `ROAMSIGN_OTP_TTL_SECONDS`'))).toContain('| 120 |');
    expect(rows.find((row) => row.startsWith('| `ROAMSIGN_METRICS_HOST`'))).toContain('| `127.0.0.1` |');
  });
});
