import fs from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// Issue 23 item 12: the README says Node 20 and `engines` says >= 20, so a clean `npm ci` on Node
// 20 must print no EBADENGINE warning: every locked package that states an engine accepts Node 20.
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { engines: { node: string } };

describe('Node 20 is enough for every installed package', () => {
  it('the stated requirement is Node 20', () => {
    expect(semver.minVersion(pkg.engines.node)?.major).toBe(20);
  });

  it('every locked package accepts the oldest Node 20 that its neighbours need (20.19)', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([, entry]) => !Array.isArray(entry.engines) && entry.engines?.node && !semver.satisfies('20.19.0', entry.engines.node))
      .map(([name, entry]) => `${name}@${entry.version} wants node ${(entry.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
