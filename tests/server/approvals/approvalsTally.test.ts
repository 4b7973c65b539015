import { desc } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sweepOnce } from '../../../server/cluster/sweeper.js';
import { call } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

// Issue 17: a flood of unsigned posts through a gate wrote one audit row each. Anonymous refusals
// are now counted per source and minute: a few listed, the rest one row with a count, and past
// the limit the source is refused at once (rate_limited; the gate answers 429).

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ ROAMSIGN_REFUSALS_LISTED_PER_MINUTE: '2', ROAMSIGN_ANONYMOUS_REFUSALS_PER_MINUTE: '5' });
});
afterEach(() => server.close());

async function bearer(): Promise<Record<string, string>> {
  const res = await server.app.request('/oauth2/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from('demo-igfmas:sandbox').toString('base64')}` },
    body: 'grant_type=client_credentials&scope=approvals',
  });
  expect(res.status).toBe(200);
  return { Authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
}

const unsigned = (source: string) => ({ rule: 'sth', officer: null, document: null, signature: null, tokenOfficers: { policy: 'refuse' }, maxAgeSeconds: 600, source });

it('anonymous approval refusals: a few rows per source and minute, then one with the count; past the limit rate_limited', async () => {
  const auth = await bearer();
  const reasons: string[] = [];
  for (let i = 0; i < 8; i++) reasons.push((await call(server, 'POST', '/api/v1/approvals', unsigned('203.0.113.9'), auth)).body.reason);
  expect(reasons).toEqual(['officer_missing', 'officer_missing', 'officer_missing', 'officer_missing', 'officer_missing', 'rate_limited', 'rate_limited', 'rate_limited']);
  // Another source is counted on its own.
  expect((await call(server, 'POST', '/api/v1/approvals', unsigned('198.51.100.7'), auth)).body.reason).toBe('officer_missing');
  const refusals = async () => {
    const { auditLog } = server.services.db.t;
    return (await server.services.db.orm.select().from(auditLog).orderBy(desc(auditLog.seq))).filter((r) => r.action === 'approval.refused');
  };
  expect(await refusals()).toHaveLength(3);
  expect((await refusals())[0]!.details).toMatchObject({ reason: 'officer_missing', source: '198.51.100.7' });

  server.clock.advance(60_000);
  expect((await call(server, 'POST', '/api/v1/approvals', unsigned('203.0.113.9'), auth)).body.reason).toBe('officer_missing');
  const rows = await refusals();
  // 2 + 1 listed, the summary of 203.0.113.9's minute (8), none for 198.51.100.7's (all listed), the new one.
  expect(rows).toHaveLength(5);
  expect(rows.filter((r) => (r.details as { aggregate?: boolean }).aggregate).map((r) => r.details)).toEqual([
    expect.objectContaining({ aggregate: true, source: '203.0.113.9', count: 8, listed: 2 }),
  ]);
});

it('by default exactly one audit row per source and minute, with the count: written by the sweep once the minute is over', async () => {
  await server.close();
  server = await startTestServer({ ROAMSIGN_ANONYMOUS_REFUSALS_PER_MINUTE: '100' });
  const auth = await bearer();
  for (let i = 0; i < 7; i++) expect((await call(server, 'POST', '/api/v1/approvals', unsigned('203.0.113.9'), auth)).body.reason).toBe('officer_missing');
  for (let i = 0; i < 2; i++) expect((await call(server, 'POST', '/api/v1/approvals', unsigned('198.51.100.7'), auth)).body.reason).toBe('officer_missing');
  const { auditLog } = server.services.db.t;
  const refusals = async () => (await server.services.db.orm.select().from(auditLog).orderBy(desc(auditLog.seq))).filter((r) => r.action === 'approval.refused');
  // Nothing one by one; the minute is not over yet.
  expect(await refusals()).toHaveLength(0);
  await sweepOnce({ ...server.services, refusalsListedPerMinute: 0 });
  expect(await refusals()).toHaveLength(0);

  server.clock.advance(60_000);
  // No other refusal comes: the sweep writes the closed minute's rows, one per source, and only once.
  await sweepOnce({ ...server.services, refusalsListedPerMinute: 0 });
  await sweepOnce({ ...server.services, refusalsListedPerMinute: 0 });
  const rows = await refusals();
  expect(rows.map((r) => r.details).sort((a, b) => String((a as { source: string }).source).localeCompare((b as { source: string }).source))).toEqual([
    expect.objectContaining({ aggregate: true, source: '198.51.100.7', count: 2, listed: 0 }),
    expect.objectContaining({ aggregate: true, source: '203.0.113.9', count: 7, listed: 0 }),
  ]);
  expect(rows.every((r) => r.actor === 'client:demo-igfmas')).toBe(true);
  // A refusal in the next minute flushes nothing already written.
  expect((await call(server, 'POST', '/api/v1/approvals', unsigned('203.0.113.9'), auth)).body.reason).toBe('officer_missing');
  expect(await refusals()).toHaveLength(2);
});

it('an approval is given back only by the client that recorded it: an unknown one is 404, a bad body 400', async () => {
  const auth = await bearer();
  const unknown = await call(server, 'POST', '/api/v1/approvals/ap_AAAAAAAAAAAAAAAAAAAAAA/release', { upstream: { status: 502 } }, auth);
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.code).toBe('not_found');
  const below500 = await call(server, 'POST', '/api/v1/approvals/ap_AAAAAAAAAAAAAAAAAAAAAA/release', { upstream: { status: 200 } }, auth);
  expect(below500.status).toBe(400);
  expect((await call(server, 'POST', '/api/v1/approvals/ap_AAAAAAAAAAAAAAAAAAAAAA/release', { upstream: { status: 502 } })).status).toBe(401);
});
