import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { x509 } from '../../../server/ca/x509Setup.js';
import { renewCertificate } from '../../../server/lifecycle/renewCertificate.js';
import { latestCertificate } from '../../../server/registry/officers.js';
import { AMINAH, call, documentBytes, WEIMING } from '../../helpers/api.js';
import { cli, CLI_TEST_TIMEOUT_MS } from '../../helpers/cli.js';
import { cmsVerify, openssl, tempFiles } from '../../helpers/openssl.js';
import { startLiveServer, type LiveServer } from '../../e2e/liveServer.js';
import { auditActions, signAs } from '../lifecycle/helpers.js';

// Issue 21 item 4: CA key roll-over. `ca-rollover` (the CLI, another process) makes a new CA key and
// certificate plus link certificates; new certificates chain to the new CA; a signature made before
// the roll-over still verifies (/api/v1/verify, openssl cms with the published bundle); both CAs'
// CRLs are issued and OCSP answers for certificates of both (checked with openssl ocsp).
let server: LiveServer;
let dir: string;
let oldSignature: Buffer;
let oldSerial: string;
let newSignature: Buffer;
let newSerial: string;
const OLD_DOC = 'STH-2026-ROLL-OLD';
const NEW_DOC = 'STH-2026-ROLL-NEW';

const pemOf = (der: Uint8Array) => x509.PemConverter.encode(new Uint8Array(der), 'CERTIFICATE') + '\n';
const crlPemOf = (der: Buffer) => x509.PemConverter.encode(new Uint8Array(der), 'X509 CRL') + '\n';
const file = (name: string) => path.join(dir, name);

/** A tool run without blocking the event loop: the server answering it lives in this process. */
function tool(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ok: code === 0, output }));
  });
}

async function fetchBytes(url: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

beforeAll(async () => {
  server = await startLiveServer();
  const signed = await signAs(server, AMINAH, OLD_DOC);
  oldSignature = Buffer.from(signed.signatures[0]!.signature, 'base64');
  oldSerial = signed.signatures[0]!.certificateSerial;
  dir = tempFiles({ 'ca1.pem': server.services.ca.certificatePem + '\n' });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('ca-rollover', () => {
  it(
    'the CLI makes a new CA (generation 2, its own name) with link certificates, audited; the running server follows it',
    async () => {
      const run = cli(server.env, ['ca-rollover']);
      expect(run.code, run.out).toBe(0);
      expect(run.out).toContain('CA generation 2');
      const bundle = (await fetchBytes(`${server.url}/ca.pem`)).toString();
      expect(bundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
      expect((await fetchBytes(`${server.url}/ca-bundle.pem`)).toString()).toBe(bundle);
      fs.writeFileSync(file('bundle.pem'), bundle);
      const generations = server.services.ca.generations;
      expect(generations.map((g) => g.id)).toEqual([1, 2]);
      expect(generations[1]!.certificate.subject).toContain('CN=RoamSign Issuing CA G2');
      expect(Buffer.from(generations[1]!.certificate.publicKey.rawData).equals(Buffer.from(generations[0]!.certificate.publicKey.rawData))).toBe(false);
      fs.writeFileSync(file('ca2.pem'), pemOf(new Uint8Array(generations[1]!.certificate.rawData)));
      // The first CA stays at its old URLs; the new one at /ca/2.
      expect((await fetchBytes(`${server.url}/ca.crt`)).equals(Buffer.from(generations[0]!.certificate.rawData))).toBe(true);
      expect((await fetchBytes(`${server.url}/ca/2`)).equals(Buffer.from(generations[1]!.certificate.rawData))).toBe(true);
      const links = (await fetchBytes(`${server.url}/ca-links.pem`)).toString();
      expect(links.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
      fs.writeFileSync(file('links.pem'), links);
      const rolled = await auditActions(server, 'ca.rolled_over');
      expect(rolled).toHaveLength(1);
      expect(rolled[0]!.actor).toBe('cli');
      expect(rolled[0]!.details).toMatchObject({ generation: 2, previousGeneration: 1 });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it('the link certificates chain each CA to the other (openssl verify: old root trusts the new CA through its link, and back)', () => {
    const [fromOld, toOld] = fs.readFileSync(file('links.pem'), 'utf8').split(/(?<=-----END CERTIFICATE-----\n?)/).filter((p) => p.includes('BEGIN'));
    fs.writeFileSync(file('link-from-old.pem'), fromOld!);
    fs.writeFileSync(file('link-to-old.pem'), toOld!);
    const forward = openssl(['verify', '-CAfile', file('ca1.pem'), file('link-from-old.pem')]);
    expect(forward.ok, forward.output).toBe(true);
    const backward = openssl(['verify', '-CAfile', file('ca2.pem'), file('link-to-old.pem')]);
    expect(backward.ok, backward.output).toBe(true);
    // A link does not verify under the wrong CA.
    expect(openssl(['verify', '-CAfile', file('ca2.pem'), file('link-from-old.pem')]).ok).toBe(false);
  });

  it('a renewal after the roll-over issues under the new CA, with its own CRL distribution point and CA issuers URL', async () => {
    const renewal = await renewCertificate(server.services, WEIMING.nric, 'test');
    newSerial = renewal.certificate.serial;
    const cert = (await latestCertificate(server.services.db, WEIMING.nric))!;
    expect(cert.serial).toBe(newSerial);
    fs.writeFileSync(file('new-officer.pem'), pemOf(cert.der));
    const text = openssl(['x509', '-in', file('new-officer.pem'), '-noout', '-text']);
    expect(text.output).toContain('Issuer: C = MY, O = Kerajaan Malaysia, OU = RoamSign, CN = RoamSign Issuing CA G2');
    expect(text.output).toContain(`CA Issuers - URI:${server.url}/ca/2`);
    expect(text.output).toContain(`URI:${server.url}/crl/2`);
    expect(text.output).toContain(`OCSP - URI:${server.url}/ocsp`);
    // Chains to the new CA, not to the old one.
    const chained = openssl(['verify', '-CAfile', file('ca2.pem'), file('new-officer.pem')]);
    expect(chained.ok, chained.output).toBe(true);
    expect(openssl(['verify', '-CAfile', file('ca1.pem'), file('new-officer.pem')]).ok).toBe(false);
    const signed = await signAs(server, WEIMING, NEW_DOC);
    newSignature = Buffer.from(signed.signatures[0]!.signature, 'base64');
    expect(signed.signatures[0]!.certificateSerial).toBe(newSerial);
  });

  it('/api/v1/verify passes the signature made before the roll-over and the one made after', async () => {
    for (const [signature, doc, serial] of [
      [oldSignature, OLD_DOC, oldSerial],
      [newSignature, NEW_DOC, newSerial],
    ] as const) {
      const res = await call(server, 'POST', '/api/v1/verify', { signature: signature.toString('base64'), content: documentBytes(doc).toString('base64') });
      expect(res.status).toBe(200);
      expect(res.body.valid, JSON.stringify(res.body)).toBe(true);
      expect(res.body.certificate.serial).toBe(serial);
    }
  });

  it('openssl cms -verify accepts both signatures with the published bundle, and with both CAs\' CRLs (-crl_check)', async () => {
    const bundle = fs.readFileSync(file('bundle.pem'), 'utf8');
    const crls = crlPemOf(await fetchBytes(`${server.url}/crl`)) + crlPemOf(await fetchBytes(`${server.url}/crl/2`));
    for (const [signature, doc] of [
      [oldSignature, OLD_DOC],
      [newSignature, NEW_DOC],
    ] as const) {
      const plain = cmsVerify({ signature, content: documentBytes(doc), caPem: bundle });
      expect(plain.ok, plain.output).toBe(true);
      const checked = cmsVerify({ signature, content: documentBytes(doc), caPem: bundle, crlPem: crls });
      expect(checked.ok, checked.output).toBe(true);
    }
    // Only the old CA: the new signature does not verify (the bundle is what makes both pass).
    expect(cmsVerify({ signature: newSignature, content: documentBytes(NEW_DOC), caPem: fs.readFileSync(file('ca1.pem'), 'utf8') }).ok).toBe(false);
  });

  it('OCSP answers good for a certificate of each CA, each answer signed by that CA\'s responder (openssl ocsp)', async () => {
    fs.writeFileSync(file('old-officer.pem'), pemOf((await server.services.db.orm.select().from(server.services.db.t.certificates)).find((c) => c.serial === oldSerial)!.der));
    const old = await tool('openssl', ['ocsp', '-issuer', file('ca1.pem'), '-CAfile', file('bundle.pem'), '-cert', file('old-officer.pem'), '-url', `${server.url}/ocsp`, '-resp_text']);
    expect(old.ok, old.output).toBe(true);
    expect(old.output).toContain('Response verify OK');
    expect(old.output).toMatch(/old-officer\.pem: good/);
    const fresh = await tool('openssl', ['ocsp', '-issuer', file('ca2.pem'), '-CAfile', file('bundle.pem'), '-cert', file('new-officer.pem'), '-url', `${server.url}/ocsp`, '-resp_text']);
    expect(fresh.ok, fresh.output).toBe(true);
    expect(fresh.output).toContain('Response verify OK');
    expect(fresh.output).toMatch(/new-officer\.pem: good/);
    expect(fresh.output).toContain('Issuer: C=MY, O=Kerajaan Malaysia, OU=RoamSign, CN=RoamSign Issuing CA G2');
    // A serial of the new CA asked under the old CA's name and key is not that issuer's certificate.
    const crossed = await tool('openssl', ['ocsp', '-issuer', file('ca1.pem'), '-CAfile', file('bundle.pem'), '-cert', file('new-officer.pem'), '-url', `${server.url}/ocsp`]);
    expect(crossed.output).toMatch(/new-officer\.pem: unknown/);
  });

  it('revocations after the roll-over go to the right CA\'s CRL (the old CA\'s CRL is still issued) and OCSP shows them', async () => {
    expect(await server.services.ca.revoke(oldSerial, 'keyCompromise', 'test')).toBe('revoked');
    expect(await server.services.ca.revoke(newSerial, 'superseded', 'test')).toBe('revoked');
    fs.writeFileSync(file('crl1.pem'), crlPemOf(await fetchBytes(`${server.url}/crl`)));
    fs.writeFileSync(file('crl2.pem'), crlPemOf(await fetchBytes(`${server.url}/crl/2`)));
    const crl1 = openssl(['crl', '-in', file('crl1.pem'), '-CAfile', file('ca1.pem'), '-noout', '-text']);
    expect(crl1.output).toMatch(/verify OK/i);
    expect(crl1.output.toLowerCase()).toContain(oldSerial.toUpperCase().toLowerCase());
    expect(crl1.output.toLowerCase()).not.toContain(newSerial.toLowerCase());
    const crl2 = openssl(['crl', '-in', file('crl2.pem'), '-CAfile', file('ca2.pem'), '-noout', '-text']);
    expect(crl2.output).toMatch(/verify OK/i);
    expect(crl2.output.toLowerCase()).toContain(newSerial.toLowerCase());
    expect(crl2.output.toLowerCase()).not.toContain(oldSerial.toLowerCase());
    const old = await tool('openssl', ['ocsp', '-issuer', file('ca1.pem'), '-CAfile', file('bundle.pem'), '-cert', file('old-officer.pem'), '-url', `${server.url}/ocsp`]);
    expect(old.output).toContain('Response verify OK');
    expect(old.output).toMatch(/old-officer\.pem: revoked/);
    const fresh = await tool('openssl', ['ocsp', '-issuer', file('ca2.pem'), '-CAfile', file('bundle.pem'), '-cert', file('new-officer.pem'), '-url', `${server.url}/ocsp`, '-resp_text']);
    expect(fresh.output).toContain('Response verify OK');
    expect(fresh.output).toMatch(/new-officer\.pem: revoked/);
    expect(fresh.output).toMatch(/Reason: superseded/);
  });

  it('an unknown CA generation is 404 not_found; a malformed one is refused as bad input', async () => {
    for (const url of ['/ca/9', '/crl/9']) {
      const res = await fetch(`${server.url}${url}`);
      expect(res.status, url).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    expect((await fetch(`${server.url}/crl/x1`)).status).toBe(400);
  });
});
