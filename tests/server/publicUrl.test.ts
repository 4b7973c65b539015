import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliConfig } from '../../server/cli/withServices.js';
import { parseConfig } from '../../server/env.js';
import { recordPublicUrl } from '../../server/publicUrlRecord.js';
import { defaultServerUrl } from '../../shared/defaultServerUrl.js';

// Issue 23 item 2: every link RoamSign writes comes from ROAMSIGN_PUBLIC_URL, else the listening
// address; the CLI beside a server uses the server's; tools default to the same rule.

const folder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-public-url-'));

describe('one public URL', () => {
  it('the default follows PORT; a URL without a scheme is refused with the reason (item 3)', () => {
    expect(parseConfig({ ROAMSIGN_SANDBOX: '1', PORT: '19100' }).publicUrl).toBe('http://localhost:19100');
    expect(parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_PUBLIC_URL: 'https://roamsign.anm.gov.my/' }).publicUrl).toBe('https://roamsign.anm.gov.my');
    for (const wrong of ['localhost:19100', 'roamsign.anm.gov.my', 'ftp://roamsign.anm.gov.my', 'http://']) {
      expect(() => parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_PUBLIC_URL: wrong }), wrong).toThrow(/ROAMSIGN_PUBLIC_URL: must start with http:\/\/ or https:\/\/ and a host/);
    }
  });

  it("the CLI beside a server on another port writes that server's links; ROAMSIGN_PUBLIC_URL still wins", () => {
    const dir = folder();
    expect(cliConfig({ ROAMSIGN_DATA_DIR: dir }).publicUrl).toBe('http://localhost:8787');
    expect(recordPublicUrl(dir, 'http://localhost:19100')).toBe(true);
    expect(cliConfig({ ROAMSIGN_DATA_DIR: dir }).publicUrl).toBe('http://localhost:19100');
    expect(cliConfig({ ROAMSIGN_DATA_DIR: dir, ROAMSIGN_PUBLIC_URL: 'https://roamsign.anm.gov.my' }).publicUrl).toBe('https://roamsign.anm.gov.my');
  });

  it("the extension's default server follows the same rule in its build's environment", () => {
    expect(defaultServerUrl({})).toBe('http://localhost:8787');
    expect(defaultServerUrl({ PORT: '19100' })).toBe('http://localhost:19100');
    expect(defaultServerUrl({ PORT: '19100', ROAMSIGN_PUBLIC_URL: 'https://roamsign.anm.gov.my/' })).toBe('https://roamsign.anm.gov.my');
  });
});
