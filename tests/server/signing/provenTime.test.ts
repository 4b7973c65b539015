import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSignatureTimeStamp } from '../../../server/cms/addSignatureTimeStamp.js';
import { findSignatureTimeStamp } from '../../../server/cms/findSignatureTimeStamp.js';
import { applyDueMovements, recordMovement } from '../../../server/lifecycle/movements.js';
import { timeStampSignatures } from '../../../server/signing/timeStampSignatures.js';
import { AMINAH, call, createRequest, documentBytes, latestOtp, makeDocument } from '../../helpers/api.js';
import { cmsVerify } from '../../helpers/openssl.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

// Issue 20: validation at the proven time (ETSI EN 319 102-1), with the clock injected.

const DAY_MS = 24 * 60 * 60 * 1000;
const DOCUMENT = 'STH-2026-400001';
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

async function sign(): Promise<{ signature: string; serial: string; signedAt: number }> {
  const created = await createRequest(server, { documents: [makeDocument(DOCUMENT)] });
  const otp = await latestOtp(server, created.body.id);
  const signedAt = server.clock.now;
  const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
  expect(done.status).toBe(200);
  return { signature: done.body.signatures[0].signature, serial: done.body.signatures[0].certificateSerial, signedAt };
}

async function verify(signature: string) {
  const report = await call(server, 'POST', '/api/v1/verify', { signature, content: documentBytes(DOCUMENT).toString('base64') });
  expect(report.status).toBe(200);
  return report.body;
}

/** The same CMS without its signature time-stamp: a B-B signature. */
function withoutTimeStamp(signature: string): Buffer {
  const contentInfo = AsnConvert.parse(Buffer.from(signature, 'base64'), ContentInfo);
  const signedData = AsnConvert.parse(contentInfo.content, SignedData);
  signedData.signerInfos[0]!.unsignedAttrs = undefined;
  contentInfo.content = AsnConvert.serialize(signedData);
  return Buffer.from(AsnConvert.serialize(contentInfo));
}

describe('validation at the proven time', () => {
  it('the issue\'s auditor: sign, retire the officer through the movement verb two seconds later, verify -> still TOTAL_PASSED at the proven time, the revocation shown', async () => {
    const { signature, signedAt } = await sign();
    const before = await verify(signature);
    expect(before).toMatchObject({ valid: true, indication: 'TOTAL_PASSED', subIndication: null, signatureLevel: 'CAdES-BASELINE-T', bestSignatureTimeSource: 'signature-time-stamp' });

    server.clock.advance(2000);
    await recordMovement(server.services, { nric: AMINAH.nric, kind: 'retirement', effectiveAt: server.clock.now, recordedBy: 'admin_test' });
    expect(await applyDueMovements(server.services)).toHaveLength(1);

    const after = await verify(signature);
    expect(after.certificate).toMatchObject({ status: 'revoked', revocationReason: 'cessationOfOperation' });
    expect(Date.parse(after.certificate.revokedAt)).toBeGreaterThan(Date.parse(after.bestSignatureTime));
    expect(after).toMatchObject({ valid: true, indication: 'TOTAL_PASSED', subIndication: null, bestSignatureTimeSource: 'signature-time-stamp' });
    // The proven time is the time-stamp's genTime: the signing second.
    expect(Math.abs(Date.parse(after.bestSignatureTime) - signedAt)).toBeLessThan(1000);
    expect(after.checks).toEqual(expect.arrayContaining([{ name: 'crl', ok: true }, { name: 'timestamp', ok: true }]));
  });

  it('the clock past the certificate\'s expiry: still TOTAL_PASSED, the certificate shown expired', async () => {
    const { signature } = await sign();
    server.clock.advance(3 * 366 * DAY_MS);
    const report = await verify(signature);
    expect(report.certificate.status).toBe('expired');
    expect(Date.parse(report.certificate.notAfter)).toBeLessThan(server.clock.now);
    expect(report).toMatchObject({ valid: true, indication: 'TOTAL_PASSED' });
    // Without its time-stamp, nothing proves it was made while the certificate was valid.
    const bare = await verify(withoutTimeStamp(signature).toString('base64'));
    expect(bare).toMatchObject({ valid: false, indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE', signatureLevel: 'CAdES-BASELINE-B', bestSignatureTimeSource: 'validation-time' });
  });

  it('a key-compromise revocation dated before the proven time: TOTAL_FAILED (REVOKED)', async () => {
    const { signature, serial } = await sign();
    // The compromise is recorded as of ten seconds before the signature's time-stamp.
    server.clock.advance(-10_000);
    expect(await server.services.ca.revoke(serial, 'keyCompromise', 'test')).toBe('revoked');
    server.clock.advance(20_000);
    const report = await verify(signature);
    expect(report).toMatchObject({ valid: false, indication: 'TOTAL_FAILED', subIndication: 'REVOKED', certificate: { status: 'revoked', revocationReason: 'keyCompromise' } });
    expect(report.checks).toContainEqual({ name: 'crl', ok: false, reason: 'certificate revoked (keyCompromise)' });
  });

  it('a key-compromise revocation after the proven time: passed, the revocation shown', async () => {
    const { signature, serial } = await sign();
    server.clock.advance(5000);
    expect(await server.services.ca.revoke(serial, 'keyCompromise', 'test')).toBe('revoked');
    const report = await verify(signature);
    expect(report).toMatchObject({ valid: true, indication: 'TOTAL_PASSED', certificate: { status: 'revoked', revocationReason: 'keyCompromise' } });
    // Without its time-stamp nothing proves it was made before the compromise.
    const bare = await verify(withoutTimeStamp(signature).toString('base64'));
    expect(bare).toMatchObject({ valid: false, indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' });
  });

  it('its time-stamp removed, then revoked: INDETERMINATE (REVOKED_NO_POE); openssl cms -verify still accepts the signature itself', async () => {
    const { signature, serial } = await sign();
    const bare = withoutTimeStamp(signature);
    expect(findSignatureTimeStamp(bare).token).toBeNull();
    expect(cmsVerify({ signature: bare, content: documentBytes(DOCUMENT), caPem: server.services.ca.certificatePem }).ok).toBe(true);
    server.clock.advance(2000);
    expect(await server.services.ca.revoke(serial, 'cessationOfOperation', 'test')).toBe('revoked');
    const report = await verify(bare.toString('base64'));
    expect(report).toMatchObject({ valid: false, indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE', signatureLevel: 'CAdES-BASELINE-B' });
    expect(report.checks.map((c: { name: string }) => c.name)).not.toContain('timestamp');
  });

  it('a time-stamp made after the revocation proves nothing about before it: INDETERMINATE (REVOKED_NO_POE)', async () => {
    const { signature, serial } = await sign();
    server.clock.advance(2000);
    expect(await server.services.ca.revoke(serial, 'superseded', 'test')).toBe('revoked');
    server.clock.advance(2000);
    const bare = withoutTimeStamp(signature);
    const signatureValue = findSignatureTimeStamp(bare).signatureValue!;
    const [late] = await timeStampSignatures({ timeStamper: server.services.timeStamper, cmsList: [bare], signatureValues: [signatureValue], profiles: [] });
    const report = await verify(late!.toString('base64'));
    expect(report).toMatchObject({ valid: false, indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE', bestSignatureTimeSource: 'signature-time-stamp' });
  });

  it('a time-stamp from a TSA nobody trusts is no proof: the timestamp check fails, INDETERMINATE (NO_POE)', async () => {
    const { signature } = await sign();
    const other = await startTestServer();
    try {
      const bare = withoutTimeStamp(signature);
      const [foreign] = await other.services.timeStamper.stamp([
        (await import('node:crypto')).createHash('sha256').update(findSignatureTimeStamp(bare).signatureValue!).digest(),
      ]);
      const report = await verify(addSignatureTimeStamp(bare, foreign!).toString('base64'));
      expect(report).toMatchObject({ valid: false, indication: 'INDETERMINATE', subIndication: 'NO_POE' });
      expect(report.checks).toContainEqual({ name: 'timestamp', ok: false, reason: 'TSA is not trusted' });
    } finally {
      await other.close();
    }
  });
});
