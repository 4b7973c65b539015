import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { x509 } from '../../../server/ca/x509Setup.js';
import { latestCertificate } from '../../../server/registry/officers.js';
import { AMINAH } from '../../helpers/api.js';
import { openssl, tempFiles } from '../../helpers/openssl.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function officerPem(): Promise<string> {
  const cert = (await latestCertificate(server.services.db, AMINAH.nric))!;
  return new x509.X509Certificate(new Uint8Array(cert.der)).toString('pem');
}

async function crlPem(): Promise<string> {
  return (await server.app.request('/crl.pem')).text();
}

describe('CA certificate', () => {
  it('is a self-signed CA that OpenSSL accepts as a trust anchor', () => {
    const dir = tempFiles({ 'ca.pem': server.services.ca.certificatePem });
    const text = openssl(['x509', '-in', path.join(dir, 'ca.pem'), '-noout', '-text']).output;
    expect(text).toContain('CA:TRUE');
    expect(text).toMatch(/Certificate Sign, CRL Sign/);
    expect(openssl(['verify', '-CAfile', path.join(dir, 'ca.pem'), path.join(dir, 'ca.pem')]).ok).toBe(true);
  });

  it('is the same after a restart (created once)', async () => {
    const again = await startTestServer({}, { dataDir: server.dataDir });
    try {
      expect(again.services.ca.certificatePem).toBe(server.services.ca.certificatePem);
    } finally {
      await again.close();
    }
  });
});

describe('officer certificate', () => {
  it('names the officer, nric and agency, is for non-repudiation and points at our CRL', async () => {
    const dir = tempFiles({ 'officer.pem': await officerPem() });
    const text = openssl(['x509', '-in', path.join(dir, 'officer.pem'), '-noout', '-text']).output;
    expect(text).toContain('CN = Aminah binti Abdullah');
    expect(text).toContain('serialNumber = 900101011234');
    expect(text).toContain('OU = JANM Negeri Perlis');
    expect(text).toMatch(/Digital Signature, Non Repudiation/);
    expect(text).toContain('URI:http://localhost:8787/crl');
    expect(text).toContain('CA:FALSE');
    expect(text).toContain('Public-Key: (2048 bit)');
  });

  it('verifies against the CA and the CRL with OpenSSL until revoked', async () => {
    const dir = tempFiles({ 'ca.pem': server.services.ca.certificatePem, 'officer.pem': await officerPem(), 'crl.pem': await crlPem() });
    const args = ['verify', '-crl_check', '-CAfile', path.join(dir, 'ca.pem'), '-CRLfile', path.join(dir, 'crl.pem'), path.join(dir, 'officer.pem')];
    expect(openssl(args).ok).toBe(true);

    const before = await server.services.ca.currentCrl();
    const serial = (await latestCertificate(server.services.db, AMINAH.nric))!.serial;
    expect(await server.services.ca.revoke(serial, 'cessationOfOperation', 'test')).toBe('revoked');
    expect(await server.services.ca.revoke(serial, 'cessationOfOperation', 'test')).toBe('already_revoked');
    expect(await server.services.ca.revoke('abcdef', 'unspecified', 'test')).toBe('not_found');

    const after = await server.services.ca.currentCrl();
    expect(after.number).toBe(before.number + 1);
    expect(after.revoked.has(serial)).toBe(true);

    const dir2 = tempFiles({ 'ca.pem': server.services.ca.certificatePem, 'officer.pem': await officerPem(), 'crl.pem': await crlPem() });
    const rejected = openssl(['verify', '-crl_check', '-CAfile', path.join(dir2, 'ca.pem'), '-CRLfile', path.join(dir2, 'crl.pem'), path.join(dir2, 'officer.pem')]);
    expect(rejected.ok).toBe(false);
    expect(rejected.output).toMatch(/certificate revoked/);
    const crlText = openssl(['crl', '-in', path.join(dir2, 'crl.pem'), '-noout', '-text']).output;
    expect(crlText).toContain('Cessation Of Operation');
    expect(crlText).toMatch(/Next Update/);
  });
});

describe('CRL', () => {
  it('is signed by the CA, has a CRL number and a next update a day on', async () => {
    const crl = new x509.X509Crl(await crlPem());
    const caKey = await server.services.ca.certificate.publicKey.export(crypto.webcrypto as unknown as Crypto);
    expect(await crl.verify({ publicKey: caKey })).toBe(true);
    expect(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime()).toBe(24 * 60 * 60 * 1000);
    expect(crl.getExtension('2.5.29.20')).not.toBeNull();
  });

  it('is reissued when close to its next update', async () => {
    const before = await server.services.ca.currentCrl();
    server.clock.advance(23.5 * 60 * 60 * 1000);
    const after = await server.services.ca.currentCrl();
    expect(after.number).toBe(before.number + 1);
    expect(after.thisUpdate.getTime()).toBe(Math.floor(server.clock.now / 1000) * 1000);
  });
});
