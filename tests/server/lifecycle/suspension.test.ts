import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { x509 } from '../../../server/ca/x509Setup.js';
import { reinstateCertificate, suspendCertificate } from '../../../server/lifecycle/suspension.js';
import { latestCertificate } from '../../../server/registry/officers.js';
import { startLiveServer, type LiveServer } from '../../e2e/liveServer.js';
import { AMINAH, call, createRequest, latestOtp } from '../../helpers/api.js';
import { crlSerials } from '../../helpers/crl.js';
import { tempFiles } from '../../helpers/openssl.js';

// Issue 21 item 3: a suspension (certificateHold) shows on the CRL and OCSP, refuses signing, and is lifted.
let server: LiveServer;
let dir: string;
let serial: string;

/** openssl ocsp without blocking the event loop: the server answering it lives in this process. */
function askOcsp(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['ocsp', '-issuer', path.join(dir, 'ca.pem'), '-CAfile', path.join(dir, 'ca.pem'), '-cert', path.join(dir, 'officer.pem'), '-url', `${server.url}/ocsp`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => resolve(output));
  });
}

beforeAll(async () => {
  server = await startLiveServer();
  const cert = (await latestCertificate(server.services.db, AMINAH.nric))!;
  serial = cert.serial;
  dir = tempFiles({ 'ca.pem': server.services.ca.certificatePem + '\n', 'officer.pem': x509.PemConverter.encode(new Uint8Array(cert.der), 'CERTIFICATE') + '\n' });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('suspension (certificateHold) and reinstatement', () => {
  it('a suspended certificate is on the CRL and revoked (certificateHold) on OCSP, and signing is refused', async () => {
    expect(await suspendCertificate(server.services, AMINAH.nric, 'admin:test')).toBe('suspended');
    expect(await suspendCertificate(server.services, AMINAH.nric, 'admin:test')).toBe('already_revoked');
    expect(crlSerials((await server.services.ca.currentCrl()).der).serials).toContain(serial);
    const answer = await askOcsp();
    expect(answer).toContain('Response verify OK');
    expect(answer).toMatch(/officer\.pem: revoked/);
    expect(answer).toMatch(/Reason: certificateHold/);
    const refused = await createRequest(server);
    expect(refused.body.error?.code).toBe('certificate_revoked');
  });

  it('reinstated: off the CRL, good on OCSP at once, and the officer signs again; only a hold can be lifted', async () => {
    expect(await reinstateCertificate(server.services, AMINAH.nric, 'admin:test')).toBe('reinstated');
    expect(await reinstateCertificate(server.services, AMINAH.nric, 'admin:test')).toBe('not_suspended');
    expect(crlSerials((await server.services.ca.currentCrl()).der).serials).not.toContain(serial);
    const answer = await askOcsp();
    expect(answer).toContain('Response verify OK');
    expect(answer).toMatch(/officer\.pem: good/);
    const created = await createRequest(server);
    expect(created.status).toBe(201);
    const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp: await latestOtp(server, created.body.id) });
    expect(done.body.status).toBe('signed');
    await server.services.ca.revoke(serial, 'keyCompromise', 'test');
    expect(await reinstateCertificate(server.services, AMINAH.nric, 'admin:test')).toBe('not_suspended');
  });
});
