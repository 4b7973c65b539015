import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { x509 } from '../../../server/ca/x509Setup.js';
import { reinstateCertificate, suspendCertificate } from '../../../server/lifecycle/suspension.js';
import { latestCertificate } from '../../../server/registry/officers.js';
import { startLiveServer, type LiveServer } from '../../e2e/liveServer.js';
import { AMINAH, call, createRequest, latestOtp, WEIMING } from '../../helpers/api.js';
import { hiddenField, signInNewAdmin } from '../portal/browser.js';
import { crlSerials } from '../../helpers/crl.js';
import { tempFiles } from '../../helpers/openssl.js';
import { startTestServer } from '../../helpers/testServices.js';

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

describe('suspension from the console', () => {
  it('asks first (officer and consequence named), then suspends; reinstate likewise; both audited', async () => {
    // The console's own origin (http://localhost:8787): a test server of its own.
    const server = await startTestServer();
    try {
      const { browser: admin } = await signInNewAdmin(server, 'admin');
      const detail = await admin.get(`/portal/admin/officers/${WEIMING.nric}`);
      expect(detail.text).toContain('id="action-suspend"');
      const ask = await admin.post(`/portal/admin/officers/${WEIMING.nric}/suspend`, {});
      expect(ask.status).toBe(200);
      expect(ask.text).toContain('Gantung sijil');
      expect(hiddenField(ask.text, 'confirmed')).toBe('yes');
      const before = (await latestCertificate(server.services.db, WEIMING.nric))!;
      expect(before.revokedAt).toBeNull();
      const done = await admin.post(`/portal/admin/officers/${WEIMING.nric}/suspend`, { confirmed: 'yes' });
      expect(done.status).toBe(303);
      expect((await latestCertificate(server.services.db, WEIMING.nric))!.revocationReason).toBe('certificateHold');
      const held = await admin.get(`/portal/admin/officers/${WEIMING.nric}`);
      expect(held.text).toContain('id="action-reinstate"');
      const lift = await admin.post(`/portal/admin/officers/${WEIMING.nric}/reinstate`, { confirmed: 'yes' });
      expect(lift.status).toBe(303);
      expect((await latestCertificate(server.services.db, WEIMING.nric))!.revokedAt).toBeNull();
      const actions = (await server.services.db.all<{ action: string }>("select action from audit_log where subject = ? and action like 'certificate.%'", WEIMING.nric)).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['certificate.suspended', 'certificate.reinstated']));
    } finally {
      await server.close();
    }
  });
});
