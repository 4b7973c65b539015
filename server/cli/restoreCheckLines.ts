import type { RestoreCheck } from '../backup/restoreBackup.js';

/** What `restore` and `restore-check` print about restored data. */
export function restoreCheckLines(check: RestoreCheck): string[] {
  const expected = check.expected;
  return [
    check.keyProblem ? `master key: WRONG (${check.keyProblem})` : 'master key: matches the database',
    check.chain.ok ? `audit chain ok: ${check.chain.entries} entries` : `audit chain BROKEN at entry ${check.chain.brokenAt} (of ${check.chain.entries} read)`,
    expected
      ? `signatures: ${check.signatures} (the backup counted ${expected.signatures})${check.signatures === expected.signatures ? '' : ' MISMATCH'}`
      : `signatures: ${check.signatures}`,
  ];
}
