import { like } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentDigest } from '../../../shared/document.js';
import type { ApprovalRequest } from '../../../shared/schemas/approval.js';
import { AMINAH, call, RAJESH, systemToken, WEIMING } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { signFields, type SignedDocument } from '../../gate/signing.js';

let server: TestServer;
beforeEach(async () => {
  // Each anonymous refusal listed on its own, so these tests can read its row (by default a minute's
  // refusals are one row with a count: approvalsTally.test.ts).
  server = await startTestServer({ ROAMSIGN_REFUSALS_LISTED_PER_MINUTE: '100' });
});
afterEach(() => server.close());

const FIELDS = { noDokumen: 'STH-2026-000500', amaun: '9,999.00', vendor: 'Syarikat Contoh Sdn Bhd' };

async function request(fields: Record<string, string>, signed: SignedDocument | null, officer: string | null = AMINAH.nric, extra: Partial<ApprovalRequest> = {}): Promise<ApprovalRequest> {
  return {
    rule: 'sth-lulus',
    officer,
    document: { digest: await documentDigest(fields) },
    signature: signed ? { requestId: signed.requestId, documentId: signed.documentId, cms: signed.signature } : null,
    tokenOfficers: { policy: 'refuse' },
    maxAgeSeconds: 600,
    ...extra,
  };
}

async function decide(body: unknown, system = 'igfmas', scope = 'approvals') {
  return call(server, 'POST', '/api/v1/approvals', body, { Authorization: `Bearer ${await systemToken(server, system, scope)}` });
}

const sign = (fields = FIELDS, officer: { nric: string; pin: string } = AMINAH) => signFields(server, { nric: officer.nric, pin: officer.pin, fields, idField: 'noDokumen' });
const decisions = async () => server.services.db.orm.select().from(server.services.db.t.auditLog).where(like(server.services.db.t.auditLog.action, 'approval.%'));

describe('POST /api/v1/approvals: who may ask', () => {
  it('a system token with the approvals scope only; never a browser, never without a token', async () => {
    const body = await request(FIELDS, null);
    const anonymous = await server.app.request('/api/v1/approvals', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(anonymous.status).toBe(401);
    const browser = await call(server, 'POST', '/api/v1/approvals', body, { Origin: 'https://igfmas.anm.gov.my' });
    expect(browser.status).toBe(401);
    const signingOnly = await decide(body, 'igfmas', 'signing');
    expect(signingOnly.status).toBe(403);
    expect(signingOnly.body.error.code).toBe('forbidden');
    expect(await decisions()).toEqual([]);
  });

  it.each([
    ['no rule', { rule: undefined }],
    ['a digest that is not SHA-256', { document: { digest: 'AAAA' } }],
    ['a request id of another shape', { signature: { requestId: 'abc', cms: 'AAAA' } }],
    ['an unknown finding', { finding: 'looks_odd' }],
    ['a freshness window of two days', { maxAgeSeconds: 172800 }],
    ['an unknown field', { approved: true }],
  ])('bad input (%s) is 400 bad_request and decides nothing', async (_name, patch) => {
    const res = await decide({ ...(await request(FIELDS, null)), ...patch });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(await decisions()).toEqual([]);
  });
});

describe('decisions', () => {
  it('passes a verified, fresh, first use, and records it; the same signature again is a replay', async () => {
    const signed = await sign();
    const first = await decide(await request(FIELDS, signed));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ decision: 'pass', approvalId: expect.stringMatching(/^ap_/), officer: AMINAH.nric, medium: 'roaming', requestId: signed.requestId, documentId: FIELDS.noDokumen });
    const second = await decide(await request(FIELDS, signed));
    expect(second.body).toEqual({ decision: 'refuse', reason: 'replay' });
    expect((await server.services.db.orm.select().from(server.services.db.t.approvals))).toHaveLength(1);
    expect((await decisions()).map((d) => d.action)).toEqual(['approval.passed', 'approval.refused']);
  });

  it('of 10 concurrent posts of one signature exactly one passes', async () => {
    const signed = await sign();
    const body = await request(FIELDS, signed);
    const answers = await Promise.all(Array.from({ length: 10 }, () => decide(body)));
    expect(answers.filter((a) => a.body.decision === 'pass')).toHaveLength(1);
    expect(answers.filter((a) => a.body.reason === 'replay')).toHaveLength(9);
    expect(await decisions()).toHaveLength(10);
  });

  it.each<[string, (s: SignedDocument) => Promise<ApprovalRequest>, string]>([
    ['a field changed after signing', (s) => request({ ...FIELDS, amaun: '99,999.00' }, s), 'document_mismatch'],
    ['the posted document id is not the signed one', (s) => request(FIELDS, { ...s, documentId: 'STH-2026-000501' }), 'document_mismatch'],
    ['another officer named by the post', (s) => request(FIELDS, s, WEIMING.nric), 'officer_mismatch'],
    ['a request id nobody created', (s) => request(FIELDS, { ...s, requestId: 'sr_AAAAAAAAAAAAAAAAAAAAAA' }), 'request_unknown'],
    ['a CMS that is not this request\'s', async (s) => request(FIELDS, { ...s, signature: Buffer.from('not a cms').toString('base64') }), 'signature_mismatch'],
    ['no signature from a roaming officer', () => request(FIELDS, null), 'unsigned'],
    ['no officer found by the gate', (s) => request(FIELDS, s, null), 'officer_missing'],
    ['a finding of the gate', async (s) => ({ ...(await request(FIELDS, s)), finding: 'field_repeated' }), 'field_repeated'],
  ])('refuses %s', async (_name, build, reason) => {
    const signed = await sign();
    const res = await decide(await build(signed));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ decision: 'refuse', reason });
    expect((await decisions()).at(-1)).toMatchObject({ action: 'approval.refused', actor: 'client:demo-igfmas', details: { reason, rule: 'sth-lulus', system: 'igfmas' } });
    expect((await server.services.db.orm.select().from(server.services.db.t.approvals))).toHaveLength(0);
  });

  it('refuses a signature of the same document from another signing request of the same officer', async () => {
    const a = await sign();
    server.clock.advance(1000); // another signing time, so another CMS (RSA PKCS#1 v1.5 is deterministic)
    const b = await sign();
    expect(b.signature).not.toBe(a.signature);
    const res = await decide(await request(FIELDS, { ...a, signature: b.signature }));
    expect(res.body).toEqual({ decision: 'refuse', reason: 'signature_mismatch' });
    // Each still passes once with its own CMS.
    expect((await decide(await request(FIELDS, a))).body.decision).toBe('pass');
    expect((await decide(await request(FIELDS, b))).body.decision).toBe('pass');
  });

  it("refuses another system's signing request", async () => {
    const signed = await sign();
    const res = await decide(await request(FIELDS, signed), 'eperolehan');
    expect(res.body).toEqual({ decision: 'refuse', reason: 'wrong_system' });
  });

  it('refuses a request that is not signed yet', async () => {
    const created = await call(server, 'POST', '/api/v1/signing-requests', { nric: AMINAH.nric, system: 'igfmas', documents: [{ id: FIELDS.noDokumen, digest: await documentDigest(FIELDS) }] });
    const res = await decide(await request(FIELDS, { requestId: created.body.id, documentId: FIELDS.noDokumen, signature: 'AAAA', certificateSerial: '' }));
    expect(res.body).toEqual({ decision: 'refuse', reason: 'request_not_signed' });
  });

  it('refuses a signature older than the window', async () => {
    const signed = await sign();
    server.clock.advance(601 * 1000);
    expect((await decide(await request(FIELDS, signed))).body).toEqual({ decision: 'refuse', reason: 'stale' });
    expect((await decide(await request(FIELDS, signed, AMINAH.nric, { maxAgeSeconds: 3600 }))).body.decision).toBe('pass');
  });

  it('refuses a signature whose certificate was revoked since', async () => {
    const signed = await sign();
    await server.services.ca.revoke(signed.certificateSerial, 'keyCompromise', 'test');
    expect((await decide(await request(FIELDS, signed))).body).toEqual({ decision: 'refuse', reason: 'certificate_revoked' });
  });

  it('token officers: as the rule says; roaming officers and strangers need a signature', async () => {
    const unsigned = (officer: string, tokenOfficers: ApprovalRequest['tokenOfficers']) => request(FIELDS, null, officer, { tokenOfficers });
    expect((await decide(await unsigned(RAJESH.nric, { policy: 'refuse' }))).body).toEqual({ decision: 'refuse', reason: 'token_not_allowed' });
    expect((await decide(await unsigned(RAJESH.nric, { policy: 'require_field', fieldPresent: false }))).body).toEqual({ decision: 'refuse', reason: 'token_signature_missing' });
    expect((await decide(await unsigned(RAJESH.nric, { policy: 'require_field', fieldPresent: true }))).body).toMatchObject({ decision: 'pass', medium: 'token', approvalId: null });
    expect((await decide(await unsigned(RAJESH.nric, { policy: 'pass' }))).body).toMatchObject({ decision: 'pass', medium: 'token' });
    // Wei Ming holds a token too, but signs with Roaming: no way round the signature.
    expect((await decide(await unsigned(WEIMING.nric, { policy: 'pass' }))).body).toEqual({ decision: 'refuse', reason: 'unsigned' });
    expect((await decide(await unsigned('111111111111', { policy: 'pass' }))).body).toEqual({ decision: 'refuse', reason: 'officer_unknown' });
    expect(await decisions()).toHaveLength(6);
  });
});
