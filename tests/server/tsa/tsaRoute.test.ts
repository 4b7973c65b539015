import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl } from '../../helpers/openssl.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { opensslTsQuery, opensslTsText, opensslTsVerify } from '../../helpers/tsaQuery.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ ROAMSIGN_TSA_POLICY: '1.3.6.1.4.1.99999.20.1', ROAMSIGN_TSA_QUERIES_PER_MINUTE: '6' });
});
afterAll(() => server.close());

function post(query: Uint8Array, type = 'application/timestamp-query', address = '192.0.2.10') {
  // The source address as the node server gives it (c.env.incoming): each test its own budget.
  return server.app.request('/tsa', { method: 'POST', headers: { 'Content-Type': type }, body: new Uint8Array(query) }, { incoming: { socket: { remoteAddress: address } } });
}

describe("RoamSign's own TSA (POST /tsa)", () => {
  it('grants a token that openssl ts -verify accepts against the query and the data, with our policy, the nonce, accuracy and a unique serial', async () => {
    const data = crypto.randomBytes(200);
    const first = opensslTsQuery(data);
    const answer = await post(first.query);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/timestamp-reply');
    const reply = Buffer.from(await answer.arrayBuffer());
    const caPem = server.services.ca.certificatePem;
    const byQuery = opensslTsVerify({ dir: first.dir, reply, caPem });
    expect(byQuery.output).toContain('Verification: OK');
    expect(opensslTsVerify({ dir: first.dir, reply, caPem, against: 'data' }).output).toContain('Verification: OK');
    // Another CA is not trusted.
    const otherCa = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(first.dir, 'o.key'), '-subj', '/CN=Other', '-days', '1']);
    expect(otherCa.ok).toBe(true);
    const other = otherCa.output.slice(otherCa.output.indexOf('-----BEGIN CERTIFICATE-----'));
    expect(opensslTsVerify({ dir: first.dir, reply, caPem: other }).ok).toBe(false);

    const text = opensslTsText({ dir: first.dir, reply }).output;
    expect(text).toContain('Status: Granted.');
    expect(text).toContain('Policy OID: 1.3.6.1.4.1.99999.20.1');
    expect(text).toMatch(/Accuracy: 0x01 seconds/);
    expect(text).toContain('TSA: DirName:/C=MY/O=Kerajaan Malaysia/OU=RoamSign/CN=RoamSign Time-Stamping Authority');
    const queryText = openssl(['ts', '-query', '-in', path.join(first.dir, 'query.tsq'), '-text']).output;
    const nonce = /Nonce: (0x[0-9A-F]+)/.exec(queryText)![1]!;
    expect(text).toContain(`Nonce: ${nonce}`);

    const second = opensslTsQuery(data);
    const reply2 = Buffer.from(await (await post(second.query)).arrayBuffer());
    const serial = (t: string) => /Serial number: (0x[0-9A-F]+)/.exec(t)![1];
    expect(serial(opensslTsText({ dir: second.dir, reply: reply2 }).output)).not.toBe(serial(text));
  });

  it('signs with a P-256 key whose certificate is under the RoamSign CA with critical EKU timeStamping', async () => {
    const dir = fs.mkdtempSync(path.join(server.dataDir, 'tsa-'));
    fs.writeFileSync(path.join(dir, 'tsa.der'), server.services.tsa.certificateDer);
    fs.writeFileSync(path.join(dir, 'ca.pem'), server.services.ca.certificatePem);
    const text = openssl(['x509', '-inform', 'DER', '-in', path.join(dir, 'tsa.der'), '-noout', '-text']).output;
    expect(text).toMatch(/X509v3 Extended Key Usage: critical\s+Time Stamping\s/);
    expect(text).toContain('ASN1 OID: prime256v1');
    expect(text).toMatch(/Issuer: C ?= ?MY, O ?= ?Kerajaan Malaysia, OU ?= ?RoamSign, CN ?= ?RoamSign Issuing CA/);
    openssl(['x509', '-inform', 'DER', '-in', path.join(dir, 'tsa.der'), '-out', path.join(dir, 'tsa.pem')]);
    const verified = openssl(['verify', '-purpose', 'timestampsign', '-CAfile', path.join(dir, 'ca.pem'), path.join(dir, 'tsa.pem')]);
    expect(verified.output).toContain(': OK');
  });

  it('answers a token without the certificate when certReq is false, and refuses a policy it does not offer', async () => {
    const bare = opensslTsQuery(crypto.randomBytes(10), []);
    const reply = Buffer.from(await (await post(bare.query)).arrayBuffer());
    // Without the certificate in the token, openssl needs it given: -untrusted.
    fs.writeFileSync(path.join(bare.dir, 'tsa.der'), server.services.tsa.certificateDer);
    openssl(['x509', '-inform', 'DER', '-in', path.join(bare.dir, 'tsa.der'), '-out', path.join(bare.dir, 'tsa.pem')]);
    fs.writeFileSync(path.join(bare.dir, 'reply.der'), reply);
    fs.writeFileSync(path.join(bare.dir, 'ca.pem'), server.services.ca.certificatePem);
    const args = ['ts', '-verify', '-in', path.join(bare.dir, 'reply.der'), '-queryfile', path.join(bare.dir, 'query.tsq'), '-CAfile', path.join(bare.dir, 'ca.pem')];
    expect(openssl(args).ok).toBe(false);
    expect(openssl([...args, '-untrusted', path.join(bare.dir, 'tsa.pem')]).output).toContain('Verification: OK');

    const otherPolicy = opensslTsQuery(crypto.randomBytes(10), ['-cert', '-tspolicy', '1.2.3.4']);
    const refused = await post(otherPolicy.query);
    expect(refused.status).toBe(400);
    const text = opensslTsText({ dir: otherPolicy.dir, reply: Buffer.from(await refused.arrayBuffer()) }).output;
    expect(text).toContain('Status: Rejected.');
    expect(text).toContain('Failure info: the requested TSA policy is not supported by the TSA');
  });

  it('refuses bad input with 4xx and changes nothing: another content type, bytes that are not a query', async () => {
    const wrongType = await post(new Uint8Array([1, 2, 3]), 'application/octet-stream', '192.0.2.20');
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    const garbage = await post(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01, 0xff]), undefined, '192.0.2.20');
    expect(garbage.status).toBe(400);
    const dir = opensslTsQuery(Buffer.from('x')).dir;
    const text = opensslTsText({ dir, reply: Buffer.from(await garbage.arrayBuffer()) }).output;
    expect(text).toContain('Status: Rejected.');
    expect(text).toContain('Failure info: the data submitted has the wrong format');
  });

  it('limits queries per source address like every public route (429 rate_limited), other addresses unaffected', async () => {
    const { query } = opensslTsQuery(Buffer.from('limit'));
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await post(query, undefined, '192.0.2.99')).status);
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(statuses[6]).toBe(429);
    expect((await post(query, undefined, '192.0.2.98')).status).toBe(200);
  });
});
