import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSignatureTimeStamp } from '../../../server/cms/findSignatureTimeStamp.js';
import { AMINAH, call, createRequest, documentBytes, latestOtp, makeDocument } from '../../helpers/api.js';
import { cmsVerify, openssl, tempFiles } from '../../helpers/openssl.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { startTestTsa, type TestTsa } from '../../helpers/testTsa.js';

async function signBatch(server: TestServer, ids: string[]) {
  const created = await createRequest(server, { documents: ids.map((id) => makeDocument(id)) });
  expect(created.status).toBe(201);
  const otp = await latestOtp(server, created.body.id);
  return call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
}

/** The checks nobody here wrote: openssl cms -verify, the attribute in -cmsout -print, openssl ts -verify of the token. */
function checkWithOpenssl(signature: Buffer, content: Buffer, caPem: string, tsaCaPem: string) {
  expect(cmsVerify({ signature, content, caPem }).output).toContain('Verification successful');
  const dir = tempFiles({ 'sig.der': signature, 'tsa-ca.pem': tsaCaPem });
  const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path.join(dir, 'sig.der')]).output;
  expect(printed).toMatch(/unsignedAttrs:\s+object: id-smime-aa-timeStampToken \(1\.2\.840\.113549\.1\.9\.16\.2\.14\)/);
  const { token, signatureValue } = findSignatureTimeStamp(signature);
  expect(token).not.toBeNull();
  fs.writeFileSync(path.join(dir, 'token.der'), token!);
  const digest = crypto.createHash('sha256').update(signatureValue!).digest('hex');
  const verified = openssl(['ts', '-verify', '-token_in', '-in', path.join(dir, 'token.der'), '-digest', digest, '-CAfile', path.join(dir, 'tsa-ca.pem')]);
  expect(verified.output).toContain('Verification: OK');
  // A token over another signature value does not verify.
  const other = openssl(['ts', '-verify', '-token_in', '-in', path.join(dir, 'token.der'), '-digest', 'ab'.repeat(32), '-CAfile', path.join(dir, 'tsa-ca.pem')]);
  expect(other.ok).toBe(false);
}

describe('CAdES B-T: a signature time-stamp on every CMS signature', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("by default from RoamSign's own TSA: each signature of a batch has its own token, and openssl accepts the signature and the token", async () => {
    const ids = ['STH-2026-100001', 'STH-2026-100002', 'STH-2026-100003'];
    const done = await signBatch(server, ids);
    expect(done.status).toBe(200);
    const caPem = server.services.ca.certificatePem;
    const tokens = new Set<string>();
    done.body.signatures.forEach((s: { signature: string }, i: number) => {
      const signature = Buffer.from(s.signature, 'base64');
      checkWithOpenssl(signature, documentBytes(ids[i]!), caPem, caPem);
      tokens.add(findSignatureTimeStamp(signature).token!.toString('hex'));
    });
    expect(tokens.size).toBe(3);
    const verified = await call(server, 'POST', '/api/v1/verify', { signature: done.body.signatures[0].signature, content: documentBytes(ids[0]!).toString('base64') });
    expect(verified.body.valid).toBe(true);
  });
});

describe('an external TSA (ROAMSIGN_TSA_URL): openssl ts -reply behind a few lines of HTTP', () => {
  let tsa: TestTsa;
  let server: TestServer;
  beforeAll(async () => {
    tsa = await startTestTsa();
    const trust = path.join(tempFiles({ 'trust.pem': tsa.caPem }), 'trust.pem');
    server = await startTestServer({ ROAMSIGN_TSA_URL: tsa.url, ROAMSIGN_TSA_TRUST_FILE: trust, ROAMSIGN_TSA_CREDENTIALS: 'roamsign:s3cret-tsa' });
  });
  afterAll(async () => {
    await server.close();
    await tsa.close();
  });

  it("time-stamps each signature there (its tokens, not ours) and /verify trusts them through the trust file", async () => {
    const before = tsa.answered();
    const ids = ['STH-2026-200001', 'STH-2026-200002'];
    const done = await signBatch(server, ids);
    expect(done.status).toBe(200);
    expect(tsa.answered() - before).toBe(2);
    const signature = Buffer.from(done.body.signatures[1].signature, 'base64');
    checkWithOpenssl(signature, documentBytes(ids[1]!), server.services.ca.certificatePem, tsa.caPem);
    expect(findSignatureTimeStamp(signature).token!.includes(tsa.tsaDer.subarray(-64))).toBe(true);
    const verified = await call(server, 'POST', '/api/v1/verify', { signature: done.body.signatures[1].signature, content: documentBytes(ids[1]!).toString('base64') });
    expect(verified.body.valid).toBe(true);
    expect(server.logs.join('\n')).not.toContain('s3cret-tsa');
  });
});

describe('when the TSA cannot be reached, nothing is signed and the caller is told why', () => {
  it('fails the request with 503 unavailable, reason time_stamp_unavailable, and stores no signature', async () => {
    const closed = await startTestTsa();
    const url = closed.url;
    await closed.close();
    const server = await startTestServer({ ROAMSIGN_TSA_URL: url });
    try {
      const done = await signBatch(server, ['STH-2026-300001']);
      expect(done.status).toBe(503);
      expect(done.body.error).toMatchObject({ code: 'unavailable', details: { reason: 'time_stamp_unavailable' } });
      expect(await server.services.db.get('select count(*) as n from signatures')).toEqual({ n: 0 });
    } finally {
      await server.close();
    }
  });
});
