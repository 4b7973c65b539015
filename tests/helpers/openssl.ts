import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface OpenSslResult {
  ok: boolean;
  output: string;
}

/** Runs the openssl CLI; never throws on a non-zero exit (a rejection is a result to assert on). */
export function openssl(args: string[]): OpenSslResult {
  const run = spawnSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: run.status === 0, output: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}

/** A temp folder with the given files written into it. */
export function tempFiles(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-openssl-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

/** `openssl cms -verify` of a detached DER signature, as API.md shows it. */
export function cmsVerify(options: { signature: Buffer; content: Buffer; caPem: string; crlPem?: string }): OpenSslResult {
  const dir = tempFiles({
    'sig.der': options.signature,
    'document.bin': options.content,
    // OpenSSL 3.0's cms has no -CRLfile: the CRL goes into the -CAfile with -crl_check.
    'ca.pem': options.crlPem ? `${options.caPem}\n${options.crlPem}` : options.caPem,
  });
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', path.join(dir, 'sig.der'), '-content', path.join(dir, 'document.bin'), '-CAfile', path.join(dir, 'ca.pem'), '-out', path.join(dir, 'out.bin')];
  if (options.crlPem) args.push('-crl_check');
  return openssl(args);
}
