import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsRoutes } from '../../../server/metrics/metricsRoutes.js';
import { PIN_MAX_FAILURES } from '../../../server/pin/pinAttempts.js';
import { AMINAH, call, createRequest, latestOtp, makeDocument, systemToken, WEIMING } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

// Issue 24: /metrics in Prometheus' format, scraped after a known flow; names, labels and values.

const TOKEN = 'metrics-token-0123456789abcdef';
const SENDS_PER_HOUR = 6;

/** The value of one sample (`name{labels} value`), labels in any order; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value) && Object.keys(found).length === Object.keys(labels).length) return Number(match[3]);
  }
  return undefined;
}

/** GET /metrics with `Bearer <token>`; null: no Authorization header. */
async function scrape(server: TestServer, token: string | null = TOKEN) {
  const res = await server.app.request('/metrics', token === null ? {} : { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('metrics on (ROAMSIGN_METRICS_TOKEN)', () => {
  let server: TestServer;
  const ids: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({ ROAMSIGN_METRICS_TOKEN: TOKEN, ROAMSIGN_OTP_SENDS_PER_HOUR: String(SENDS_PER_HOUR), ROAMSIGN_PENDING_PER_CALLER: '10' });
    // 1. Aminah signs one request (PIN + OTP).
    const signed = await createRequest(server, { documents: [makeDocument('M-1'), makeDocument('M-2')] });
    expect(signed.status).toBe(201);
    ids.push(signed.body.id);
    const done = await call(server, 'POST', `/api/v1/signing-requests/${signed.body.id}/complete`, { pin: AMINAH.pin, otp: await latestOtp(server, signed.body.id) });
    expect(done.status).toBe(200);
    // 2. Then a wrong PIN PIN_MAX_FAILURES times: pin_invalid until the last, which locks her out.
    for (let i = 0; i < PIN_MAX_FAILURES; i++) {
      const created = await createRequest(server, { documents: [makeDocument(`W-${i}`)] });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
      const refused = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: '111111', otp: await latestOtp(server, created.body.id) });
      expect(refused.body.error.code).toBe(i < PIN_MAX_FAILURES - 1 ? 'pin_invalid' : 'pin_locked');
    }
    // 3. Wei Ming's OTP budget: SENDS_PER_HOUR requests, then one refused.
    for (let i = 0; i <= SENDS_PER_HOUR; i++) {
      const created = await createRequest(server, { nric: WEIMING.nric, documents: [makeDocument(`B-${i}`)] });
      expect(created.status).toBe(i < SENDS_PER_HOUR ? 201 : 429);
      if (created.status === 201) ids.push(created.body.id);
    }
  });
  afterAll(() => server.close());

  it('refuses a scrape without the bearer token, or with a wrong one (401 unauthorized)', async () => {
    for (const token of [null, 'wrong-token-0123456789abcdef', `${TOKEN}x`]) {
      const res = await scrape(server, token);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text).error.code).toBe('unauthorized');
    }
    // The system's own API token is no metrics token either.
    expect((await scrape(server, await systemToken(server))).status).toBe(401);
  });

  it('counts signing requests by system, factor and error code, with latency histograms', async () => {
    const { status, type, text } = await scrape(server);
    expect(status).toBe(200);
    expect(type).toContain('text/plain; version=0.0.4');
    const created = 1 + PIN_MAX_FAILURES + SENDS_PER_HOUR;
    expect(sample(text, 'roamsign_signing_requests_created_total', { system: 'igfmas' })).toBe(created);
    expect(sample(text, 'roamsign_signing_requests_completed_total', { system: 'igfmas', factor: 'otp' })).toBe(1);
    expect(sample(text, 'roamsign_documents_signed_total', { system: 'igfmas' })).toBe(2);
    expect(sample(text, 'roamsign_signing_requests_failed_total', { system: 'igfmas', stage: 'complete', factor: 'otp', code: 'pin_invalid' })).toBe(PIN_MAX_FAILURES - 1);
    expect(sample(text, 'roamsign_signing_requests_failed_total', { system: 'igfmas', stage: 'complete', factor: 'otp', code: 'pin_locked' })).toBe(1);
    expect(sample(text, 'roamsign_signing_requests_failed_total', { system: 'igfmas', stage: 'create', factor: 'none', code: 'rate_limited' })).toBe(1);
    expect(sample(text, 'roamsign_signing_complete_seconds_count', { factor: 'otp', outcome: 'signed' })).toBe(1);
    expect(sample(text, 'roamsign_signing_complete_seconds_count', { factor: 'otp', outcome: 'refused' })).toBe(PIN_MAX_FAILURES);
    expect(sample(text, 'roamsign_signing_complete_seconds_bucket', { factor: 'otp', outcome: 'signed', le: '+Inf' })).toBe(1);
    expect(sample(text, 'roamsign_signing_create_seconds_count', { outcome: 'created' })).toBe(created);
    expect(sample(text, 'roamsign_signing_create_seconds_sum', { outcome: 'created' })).toBeGreaterThan(0);
  });

  it('counts OTP deliveries, PIN lock-outs, budget refusals and vault operations', async () => {
    const { text } = await scrape(server);
    expect(sample(text, 'roamsign_otp_deliveries_total', { channel: 'email', result: 'delivered' })).toBe(1 + PIN_MAX_FAILURES + SENDS_PER_HOUR);
    expect(sample(text, 'roamsign_otp_push_fallbacks_total')).toBe(0);
    expect(sample(text, 'roamsign_pin_lockouts_total')).toBe(1);
    expect(sample(text, 'roamsign_caller_budget_refusals_total', { verb: 'create' })).toBe(1);
    // One batch signature (two documents) through the vault, and one for the embedded TSA's two
    // time-stamps (issue 20); PIN checks: the right one and every wrong one.
    expect(sample(text, 'roamsign_vault_operations_total', { backend: 'soft', operation: 'sign', result: 'ok' })).toBe(2);
    expect(sample(text, 'roamsign_timestamps_total', { result: 'ok' })).toBe(2);
    expect(sample(text, 'roamsign_vault_operations_total', { backend: 'soft', operation: 'verify_pin', result: 'ok' })).toBe(1 + PIN_MAX_FAILURES);
  });

  it('reports the CRL (number, age, next update) and the event loop lag', async () => {
    const { text } = await scrape(server);
    const crl = await server.services.ca.currentCrl();
    expect(sample(text, 'roamsign_crl_number')).toBe(crl.number);
    expect(sample(text, 'roamsign_crl_next_update_timestamp_seconds')).toBe(crl.nextUpdate.getTime() / 1000);
    server.clock.advance(90_000);
    const later = await scrape(server);
    expect(sample(later.text, 'roamsign_crl_age_seconds')).toBe((server.clock.now - crl.thisUpdate.getTime()) / 1000);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    if (server.services.db.pool) expect(sample(text, 'roamsign_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    else expect(sample(text, 'roamsign_db_pool_connections', { state: 'total' })).toBeUndefined();
  });

  it('no label or value holds a MyKad number, a request id, an address or a token', async () => {
    const { text } = await scrape(server);
    for (const nric of [AMINAH.nric, WEIMING.nric]) expect(text).not.toContain(nric);
    for (const id of ids) expect(text).not.toContain(id);
    expect(text).not.toContain(AMINAH.email);
    expect(text).not.toContain(TOKEN);
    // Every label value is a short code word (system ids, factors, channels, error codes, le buckets).
    const values = [...text.matchAll(/\w+="([^"]*)"/g)].map((m) => m[1]!);
    for (const value of values) expect(value).toMatch(/^[\w.+-]{1,40}$/);
  });
});

describe('metrics off (the default)', () => {
  it('counts nothing and serves no /metrics', async () => {
    const server = await startTestServer();
    try {
      expect(server.services.metrics).toBeUndefined();
      expect((await scrape(server)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('a separate listener without a token answers anyone who reaches it (bind it where only Prometheus does)', async () => {
    const server = await startTestServer({ ROAMSIGN_METRICS_PORT: '0' });
    try {
      expect((await scrape(server)).status).toBe(404);
      const routes = metricsRoutes(server.services.metrics!, undefined);
      const res = await routes.request('/metrics');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# TYPE roamsign_signing_requests_created_total counter');
    } finally {
      await server.close();
    }
  });
});
