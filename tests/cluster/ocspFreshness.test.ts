import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { x509 } from '../../server/ca/x509Setup.js';
import { openDb } from '../../server/db/database.js';
import { latestCertificate } from '../../server/registry/officers.js';
import { AMINAH } from '../helpers/api.js';
import { cli, CLI_TEST_TIMEOUT_MS } from '../helpers/cli.js';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { openssl, tempFiles } from '../helpers/openssl.js';

// Issue 21: a revocation made anywhere (here the CLI, another process) is in the OCSP answer of every
// node at once, as on the CRL (issue 14). OpenSSL's own OCSP client asks each node directly.
let cluster: Cluster;
let dir: string;

const askNode = (url: string) =>
  openssl(['ocsp', '-issuer', path.join(dir, 'ca.pem'), '-CAfile', path.join(dir, 'ca.pem'), '-cert', path.join(dir, 'officer.pem'), '-url', `${url}/ocsp`, '-resp_text']);

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  const db = await openDb(cluster.location);
  try {
    const cert = (await latestCertificate(db, AMINAH.nric))!;
    const caPem = await (await fetch(`${cluster.url}/ca.pem`)).text();
    dir = tempFiles({ 'ca.pem': caPem, 'officer.pem': x509.PemConverter.encode(new Uint8Array(cert.der), 'CERTIFICATE') + '\n' });
  } finally {
    await db.close();
  }
}, 180_000);
afterAll(() => cluster?.stop());

describe('OCSP on a cluster', () => {
  it('every node answers good, then revoked with the reason as soon as the CLI revoked the certificate (no wait)', () => {
    for (const node of cluster.nodes) {
      const before = askNode(node.url);
      expect(before.ok, before.output).toBe(true);
      expect(before.output).toContain('Response verify OK');
      expect(before.output).toMatch(/officer\.pem: good/);
    }
    const revoked = cli(cluster.env, ['revoke', AMINAH.nric, 'keyCompromise']);
    expect(revoked.code, revoked.out).toBe(0);
    for (const node of cluster.nodes) {
      const after = askNode(node.url);
      expect(after.ok, after.output).toBe(true);
      expect(after.output).toContain('Response verify OK');
      expect(after.output).toMatch(/officer\.pem: revoked/);
      expect(after.output).toMatch(/Reason: keyCompromise/);
    }
  }, CLI_TEST_TIMEOUT_MS);
});
