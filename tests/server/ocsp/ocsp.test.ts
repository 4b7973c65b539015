import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { x509 } from '../../../server/ca/x509Setup.js';
import { latestCertificate } from '../../../server/registry/officers.js';
import { startLiveServer, type LiveServer } from '../../e2e/liveServer.js';
import { AMINAH } from '../../helpers/api.js';
import { openssl, tempFiles } from '../../helpers/openssl.js';

// Issue 21 item 1: the OCSP responder, checked by tools nobody here wrote: OpenSSL's `ocsp` client
// and GnuTLS' `ocsptool --ask`, good before a revocation and revoked (time, reason) after it.
let server: LiveServer;
let dir: string;
let serial: string;

const pemOf = (der: Buffer) => x509.PemConverter.encode(new Uint8Array(der), 'CERTIFICATE') + '\n';

/** A tool run without blocking the event loop: the server answering it lives in this process. */
function tool(command: string, args: string[]): Promise<{ ok: boolean; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ok: code === 0, code, output }));
  });
}

function opensslOcsp(extra: string[]) {
  return tool('openssl', ['ocsp', '-issuer', path.join(dir, 'ca.pem'), '-CAfile', path.join(dir, 'ca.pem'), '-resp_text', ...extra]);
}

function ocsptool() {
  return tool('ocsptool', [`--ask=${server.url}/ocsp`, '--load-cert', path.join(dir, 'officer.pem'), '--load-issuer', path.join(dir, 'ca.pem'), '--load-trust', path.join(dir, 'ca.pem'), '--nonce']);
}

beforeAll(async () => {
  server = await startLiveServer();
  const cert = (await latestCertificate(server.services.db, AMINAH.nric))!;
  serial = cert.serial;
  dir = tempFiles({ 'ca.pem': server.services.ca.certificatePem + '\n', 'officer.pem': pemOf(cert.der) });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('certificates point relying parties at OCSP, the CA certificate and the CRL', () => {
  it('an officer certificate carries AIA (OCSP and CA issuers) and a CRL distribution point from ROAMSIGN_PUBLIC_URL; the CA issuers URL serves the CA', async () => {
    const text = openssl(['x509', '-in', path.join(dir, 'officer.pem'), '-noout', '-text']);
    expect(text.ok, text.output).toBe(true);
    expect(text.output).toContain(`OCSP - URI:${server.url}/ocsp`);
    expect(text.output).toContain(`CA Issuers - URI:${server.url}/ca.crt`);
    expect(text.output).toContain(`URI:${server.url}/crl`);
    const issuer = await fetch(`${server.url}/ca.crt`);
    expect(issuer.headers.get('content-type')).toBe('application/pkix-cert');
    expect(Buffer.from(await issuer.arrayBuffer()).equals(Buffer.from(server.services.ca.certificate.rawData))).toBe(true);
  });
});

describe('the OCSP responder', () => {
  it('answers good to openssl ocsp (POST, nonce echoed, delegated responder with OCSP Signing and OCSP No Check), with this and next update', async () => {
    const result = await opensslOcsp(['-cert', path.join(dir, 'officer.pem'), '-url', `${server.url}/ocsp`]);
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain('Response verify OK');
    expect(result.output).toMatch(/officer\.pem: good/);
    expect(result.output).toMatch(/This Update: .+\n\s+Next Update: .+/);
    expect(result.output).toContain('OCSP Nonce');
    expect(result.output).not.toMatch(/WARNING: no nonce|nonce verify error/i);
    expect(result.output).toContain('RoamSign OCSP Responder');
    expect(result.output).toContain('OCSP Signing');
    expect(result.output).toContain('OCSP No Check');
  });

  it('answers good to gnutls ocsptool --ask', async () => {
    const result = await ocsptool();
    expect(result.output).toMatch(/Certificate Status: good/);
    expect(result.output).toMatch(/Verifying OCSP Response: Success/);
    expect(result.code, result.output).toBe(0);
  });

  it('answers the GET form (base64, URL-encoded) with the same verified status', async () => {
    const req = await opensslOcsp(['-cert', path.join(dir, 'officer.pem'), '-no_nonce', '-reqout', path.join(dir, 'req.der')]);
    expect(req.ok, req.output).toBe(true);
    const encoded = encodeURIComponent(fs.readFileSync(path.join(dir, 'req.der')).toString('base64'));
    const answer = await fetch(`${server.url}/ocsp/${encoded}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/ocsp-response');
    fs.writeFileSync(path.join(dir, 'get.der'), Buffer.from(await answer.arrayBuffer()));
    const read = await opensslOcsp(['-cert', path.join(dir, 'officer.pem'), '-respin', path.join(dir, 'get.der')]);
    expect(read.ok, read.output).toBe(true);
    expect(read.output).toContain('Response verify OK');
    expect(read.output).toMatch(/officer\.pem: good/);
  });

  it('answers unknown for a serial this CA never issued', async () => {
    const result = await opensslOcsp(['-serial', '0x0123456789abcdef', '-url', `${server.url}/ocsp`]);
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain('Response verify OK');
    expect(result.output).toMatch(/0x0123456789abcdef: unknown/i);
  });

  it('refuses bytes that are no OCSP request with 400 and the protocol answer malformedRequest, POST and GET', async () => {
    const posted = await fetch(`${server.url}/ocsp`, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: 'not an OCSP request' });
    expect(posted.status).toBe(400);
    fs.writeFileSync(path.join(dir, 'bad.der'), Buffer.from(await posted.arrayBuffer()));
    const read = openssl(['ocsp', '-respin', path.join(dir, 'bad.der'), '-resp_text', '-noverify']);
    expect(read.output).toMatch(/malformedrequest/i);
    const got = await fetch(`${server.url}/ocsp/%%%`);
    expect(got.status).toBe(400);
  });

  it('answers revoked, with the time and reason, at once after a revocation (openssl and ocsptool)', async () => {
    expect(await server.services.ca.revoke(serial, 'keyCompromise', 'test')).toBe('revoked');
    const result = await opensslOcsp(['-cert', path.join(dir, 'officer.pem'), '-url', `${server.url}/ocsp`]);
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain('Response verify OK');
    expect(result.output).toMatch(/officer\.pem: revoked/);
    expect(result.output).toMatch(/Reason: keyCompromise/);
    expect(result.output).toMatch(/Revocation Time: .+GMT/);
    const gnutls = await ocsptool();
    expect(gnutls.output).toMatch(/Certificate Status: revoked/);
    expect(gnutls.output).toMatch(/Revocation time: .+2\d{3}/);
    expect(gnutls.output).toMatch(/Verifying OCSP Response: Success/);
  });
});
