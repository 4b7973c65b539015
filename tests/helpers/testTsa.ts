import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openssl } from './openssl.js';

const run = promisify(execFile);

export interface TestTsa {
  url: string;
  /** The TSA's own CA (PEM and DER): what a verifier trusts for time-stamps. */
  caPem: string;
  caDer: Buffer;
  /** The TSA certificate (DER). */
  tsaDer: Buffer;
  /** How many requests it answered. */
  answered(): number;
  close(): Promise<void>;
}

/**
 * An independent RFC 3161 time-stamp authority: `openssl ts -reply` (STANDARDS.md) behind a few
 * lines of HTTP on 127.0.0.1. Its CA and TSA certificate are made by openssl here, the TSA's EKU
 * id-kp-timeStamping marked critical (RFC 3161 §2.3). Nothing of RoamSign's is in it.
 */
export async function startTestTsa(): Promise<TestTsa> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-tsa-'));
  const at = (name: string) => path.join(dir, name);
  const steps = [
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '3650', '-subj', '/CN=Test TSA Root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('tsa.key'), '-out', at('tsa.csr'), '-subj', '/CN=Test TSA'],
    ['x509', '-req', '-in', at('tsa.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('tsa.pem'), '-days', '3650', '-extfile', at('tsa.ext')],
  ];
  fs.writeFileSync(at('tsa.ext'), 'extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n');
  for (const args of steps) {
    const result = openssl(args);
    if (!result.ok) throw new Error(`openssl ${args[0]}: ${result.output}`);
  }
  fs.writeFileSync(at('serial'), '01\n');
  fs.writeFileSync(
    at('tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = roamsign_test_tsa',
      '[ roamsign_test_tsa ]',
      `serial = ${at('serial')}`,
      'crypto_device = builtin',
      `signer_cert = ${at('tsa.pem')}`,
      `certs = ${at('ca.pem')}`,
      `signer_key = ${at('tsa.key')}`,
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.99999.1',
      'digests = sha256',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let count = 0;
  let sequence = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = ++sequence;
      fs.writeFileSync(at(`q${id}.tsq`), Buffer.concat(chunks));
      run('openssl', ['ts', '-reply', '-config', at('tsa.cnf'), '-queryfile', at(`q${id}.tsq`), '-out', at(`r${id}.tsr`)])
        .then(() => {
          count++;
          res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' });
          res.end(fs.readFileSync(at(`r${id}.tsr`)));
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const pemToDer = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const caPem = fs.readFileSync(at('ca.pem'), 'utf8');
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    caPem,
    caDer: pemToDer(caPem),
    tsaDer: pemToDer(fs.readFileSync(at('tsa.pem'), 'utf8')),
    answered: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
