import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMalaysiaTime } from '../../../shared/time.js';
import { cli, CLI_TEST_TIMEOUT_MS } from '../../helpers/cli.js';
import { AMINAH, makeDocument } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { Caller, IGFMAS, listen } from './overHttp.js';

// Issue 23 item 1: a spent budget says until when (Malaysian time), why, and what works now; every
// 429 carries Retry-After; in the sandbox the message names the command that resets the budgets.

let server: TestServer;
let http: Awaited<ReturnType<typeof listen>>;
beforeEach(async () => {
  server = await startTestServer({ ROAMSIGN_TRUSTED_PROXIES: '127.0.0.1', ROAMSIGN_UNKNOWN_SENDS_PER_HOUR: '2' });
  http = await listen(server);
});
afterEach(async () => {
  await http.close();
  await server.close();
});

const createBody = () => ({ json: { nric: AMINAH.nric, system: 'igfmas', documents: [makeDocument(`STH-${crypto.randomUUID()}`)] } });
/** A fresh browser profile on iGFMAS's page: unknown to RoamSign. */
const freshBrowser = (n: number) => new Caller(http.base, `198.51.100.${n}`, { Origin: IGFMAS });

describe('a spent budget in words', () => {
  it('the third fresh browser in an hour: 429 with Retry-After, until when in Malaysian time, why, what works, and the sandbox reset', async () => {
    const startedAt = server.clock.now;
    for (const n of [1, 2]) expect((await freshBrowser(n).send('POST', '/api/v1/signing-requests', createBody())).status).toBe(201);
    server.clock.advance(10 * 60 * 1000);

    const refused = await freshBrowser(3).send('POST', '/api/v1/signing-requests', createBody());
    expect(refused.status).toBe(429);
    const { code, message, details } = refused.json.error as { code: string; message: string; details: { retryAfterSeconds: number; retryAt: string; budget: string; limit: number } };
    expect(code).toBe('rate_limited');
    expect(details).toMatchObject({ budget: 'unknown_caller', limit: 2, retryAfterSeconds: 50 * 60, retryAt: new Date(startedAt + 60 * 60 * 1000).toISOString() });
    expect(refused.headers.get('retry-after')).toBe(String(50 * 60));
    // Bahasa Malaysia by default: until when (in Malaysian time), why, what works, how testers reset it.
    expect(message).toContain(`Cuba lagi selepas ${formatMalaysiaTime('ms', startedAt + 60 * 60 * 1000, { zone: true })}.`);
    expect(message).toContain('waktu Malaysia');
    expect(message).toContain('pelayar yang belum dikenali');
    expect(message).toContain('pelayar yang pernah anda gunakan untuk menandatangani, atau melalui portal');
    expect(message).toContain('npm run roamsign -- reset-limits');
    expect(message).not.toContain('sebentar lagi');

    const english = await freshBrowser(4).send('POST', '/api/v1/signing-requests', createBody(), { 'Accept-Language': 'en' });
    expect(english.json.error.message).toContain(`Try again after ${formatMalaysiaTime('en', startedAt + 60 * 60 * 1000, { zone: true })}.`);
    expect(english.json.error.message).toContain('a browser you have signed with before');
  });

  it('an OTP re-sent too soon: Retry-After and the seconds', async () => {
    const browser = freshBrowser(5);
    const created = await browser.send('POST', '/api/v1/signing-requests', createBody());
    const again = await browser.send('POST', `/api/v1/signing-requests/${created.json.id}/otp`);
    expect(again.status).toBe(429);
    const seconds = again.json.error.details.retryAfterSeconds as number;
    expect(seconds).toBeGreaterThan(0);
    expect(again.headers.get('retry-after')).toBe(String(seconds));
    expect(again.json.error.message).toContain(`Cuba lagi dalam ${seconds} saat.`);
  });

  it('reset-limits gives the officer and the source addresses their budgets back, audited', async () => {
    for (const n of [1, 2]) await freshBrowser(n).send('POST', '/api/v1/signing-requests', createBody());
    expect((await freshBrowser(3).send('POST', '/api/v1/signing-requests', createBody())).status).toBe(429);

    expect(cli(server.env, ['reset-limits', '12345']).code).toBe(2);
    const reset = cli(server.env, ['reset-limits', AMINAH.nric]);
    expect(reset.out).toMatch(/[1-9]\d* counted message\(s\) and attempt\(s\) removed/);
    expect(reset.code).toBe(0);
    expect((await freshBrowser(3).send('POST', '/api/v1/signing-requests', createBody())).status).toBe(201);
    const audit = await server.services.db.get<{ n: number }>("select count(*) as n from audit_log where action = 'limits.reset'");
    expect(Number(audit!.n)).toBe(1);
  }, CLI_TEST_TIMEOUT_MS);
});
