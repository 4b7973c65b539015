import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH, sha256b64 } from '../helpers/api.js';
import { cli, CLI_TEST_TIMEOUT_MS } from '../helpers/cli.js';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { crlSerials, waitForCrlListing } from '../helpers/crl.js';
import { http, httpComplete, httpCreate, httpOtp, httpToken } from '../helpers/httpApi.js';

// Issue 14: a revocation made by another process (here the CLI) is served at once by a running
// server: /crl, /crl.pem, /verify and signing.
let server: Cluster;
let base: string;

beforeAll(async () => {
  server = await startCluster({ nodes: 1 });
  base = server.nodes[0]!.url;
}, 180_000);
afterAll(() => server?.stop());

describe('a revocation made by the CLI while the server runs', () => {
  it('is on /crl within 2 s (OpenSSL reads it), /verify reports the certificate revoked with its time and the earlier signature still valid at its proven time, and signing is refused', async () => {
    const token = await httpToken(base);
    const created = await httpCreate(base, token, 'STH-2026-REVOKE');
    const otp = await httpOtp(base, created.body.id);
    const done = await httpComplete(base, token, created.body.id, otp);
    expect(done.status).toBe(200);
    const { signature, certificateSerial } = done.body.signatures[0] as { signature: string; certificateSerial: string };
    const digest = created.body && (await http(base, 'GET', `/api/v1/signing-requests/${created.body.id}`, undefined, { Authorization: `Bearer ${token}` })).status === 200
      ? sha256b64(Buffer.from(`document STH-2026-REVOKE\namount 12,500.00\npayee Syarikat ABC Sdn Bhd\n`))
      : '';

    const before = crlSerials(Buffer.from(await (await fetch(`${base}/crl`)).arrayBuffer()));
    expect(before.serials).not.toContain(certificateSerial);
    expect((await http(base, 'POST', '/api/v1/verify', { signature, digest })).body.certificate.status).toBe('good');

    // The operator retires the officer from another shell, on the same data.
    const retired = cli(server.env, ['movement', AMINAH.nric, 'retirement', new Date().toISOString()]);
    expect(retired.code, retired.out).toBe(0);

    const took = await waitForCrlListing(base, certificateSerial, 2000).catch((error: Error) => { throw new Error(`${error.message}: ${server.nodes[0]!.stderr()}`); });
    expect(took, 'the running server lists the serial on /crl within 2 s').not.toBeNull();
    const after = crlSerials(Buffer.from(await (await fetch(`${base}/crl`)).arrayBuffer()));
    expect(after.number).toBeGreaterThan(before.number);
    const pem = await (await fetch(`${base}/crl.pem`)).text();
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----/);
    expect(crlSerials(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).serials).toContain(certificateSerial.toLowerCase().replace(/^(00)+/, ''));

    const report = await http(base, 'POST', '/api/v1/verify', { signature, digest });
    expect(report.status).toBe(200);
    // Issue 20: a retirement after the signature's proven time (its time-stamp) leaves it valid;
    // the report still says the certificate is revoked now, and since when.
    expect(report.body).toMatchObject({ valid: true, indication: 'TOTAL_PASSED', bestSignatureTimeSource: 'signature-time-stamp' });
    expect(report.body.certificate.status).toBe('revoked');
    expect(Date.parse(report.body.certificate.revokedAt)).toBeGreaterThan(Date.parse(done.body.signedAt) - 1);

    if (!server.nodes[0]!.alive) throw new Error(server.nodes[0]!.stderr());
    const refused = await httpCreate(base, token, 'STH-2026-AFTER');
    expect(refused.status).toBe(403);
  }, CLI_TEST_TIMEOUT_MS);
});
