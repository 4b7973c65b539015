import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH, call, createRequest, latestOtp, makeDocument } from '../../helpers/api.js';
import { startTestServer, tableNames, type TestServer } from '../../helpers/testServices.js';

let server: TestServer;
let pendingId: string;

/** Row counts of every table: bad input must change none of them. */
async function snapshot(): Promise<Record<string, number>> {
  const { db } = server.services;
  const counts: Record<string, number> = {};
  for (const name of await tableNames(db)) counts[name] = ((await db.get(`select count(*) as n from "${name}"`)) as { n: number }).n;
  const officer = await db.get('select pin_failures, pin_locked_at from officers where nric = ?', AMINAH.nric);
  const request = await db.get('select status, otp_attempts, otp_sends from signing_requests where id = ?', pendingId);
  counts['state'] = JSON.stringify([officer, request]).length;
  return { ...counts, officerState: JSON.stringify(officer) as never, requestState: JSON.stringify(request) as never };
}

beforeAll(async () => {
  server = await startTestServer();
  const created = await createRequest(server);
  pendingId = created.body.id;
  await latestOtp(server, pendingId);
});
afterAll(() => server.close());

const doc = makeDocument('STH-2026-000123');
const base = { nric: AMINAH.nric, system: 'igfmas', documents: [doc] };
const huge = 'x'.repeat(1024 * 1024 + 10);

type Case = [name: string, method: string, path: () => string, body: unknown, status: number, code: string, headers?: Record<string, string>];

const cases: Case[] = [
  ['malformed JSON', 'POST', () => '/api/v1/signing-requests', '{"nric": "9001', 400, 'bad_request'],
  ['JSON array body', 'POST', () => '/api/v1/signing-requests', '[]', 400, 'bad_request'],
  ['JSON null body', 'POST', () => '/api/v1/signing-requests', 'null', 400, 'bad_request'],
  ['empty body', 'POST', () => '/api/v1/signing-requests', '', 400, 'bad_request'],
  ['text/plain content type', 'POST', () => '/api/v1/signing-requests', JSON.stringify(base), 400, 'bad_request', { 'Content-Type': 'text/plain' }],
  ['missing nric', 'POST', () => '/api/v1/signing-requests', { system: 'igfmas', documents: [doc] }, 400, 'bad_request'],
  ['nric as a number', 'POST', () => '/api/v1/signing-requests', { ...base, nric: 900101011234 }, 400, 'bad_request'],
  ['nric too short', 'POST', () => '/api/v1/signing-requests', { ...base, nric: '90010101123' }, 400, 'bad_request'],
  ['nric with letters', 'POST', () => '/api/v1/signing-requests', { ...base, nric: '90010101123A' }, 400, 'bad_request'],
  ['unknown system', 'POST', () => '/api/v1/signing-requests', { ...base, system: 'sap' }, 400, 'bad_request'],
  ['system in capitals', 'POST', () => '/api/v1/signing-requests', { ...base, system: 'IGFMAS' }, 400, 'bad_request'],
  ['no documents', 'POST', () => '/api/v1/signing-requests', { ...base, documents: [] }, 400, 'bad_request'],
  ['documents not an array', 'POST', () => '/api/v1/signing-requests', { ...base, documents: doc }, 400, 'bad_request'],
  ['501 documents', 'POST', () => '/api/v1/signing-requests', { ...base, documents: Array.from({ length: 501 }, (_, i) => ({ id: `D${i}`, digest: doc.digest })) }, 400, 'bad_request'],
  ['duplicate document ids', 'POST', () => '/api/v1/signing-requests', { ...base, documents: [doc, doc] }, 400, 'bad_request'],
  ['digest not base64', 'POST', () => '/api/v1/signing-requests', { ...base, documents: [{ ...doc, digest: '!'.repeat(44) }] }, 400, 'bad_request'],
  ['digest of 31 bytes', 'POST', () => '/api/v1/signing-requests', { ...base, documents: [{ ...doc, digest: Buffer.alloc(31).toString('base64') }] }, 400, 'bad_request'],
  ['digest in hex', 'POST', () => '/api/v1/signing-requests', { ...base, documents: [{ ...doc, digest: 'ab'.repeat(32) }] }, 400, 'bad_request'],
  ['empty document id', 'POST', () => '/api/v1/signing-requests', { ...base, documents: [{ ...doc, id: '' }] }, 400, 'bad_request'],
  ['amount not a number', 'POST', () => '/api/v1/signing-requests', { ...base, documents: [{ ...doc, summary: { amount: 'banyak' } }] }, 400, 'bad_request'],
  ['unknown field at top level', 'POST', () => '/api/v1/signing-requests', { ...base, admin: true }, 400, 'bad_request'],
  ['unknown field in a document', 'POST', () => '/api/v1/signing-requests', { ...base, documents: [{ ...doc, signer: 'x' }] }, 400, 'bad_request'],
  ['unknown channel', 'POST', () => '/api/v1/signing-requests', { ...base, channel: 'sms' }, 400, 'bad_request'],
  ['body over 1 MiB', 'POST', () => '/api/v1/signing-requests', { ...base, padding: huge }, 413, 'payload_too_large'],
  ['complete: missing otp', 'POST', () => `/api/v1/signing-requests/${pendingId}/complete`, { pin: '123456' }, 400, 'bad_request'],
  ['complete: otp of 5 digits', 'POST', () => `/api/v1/signing-requests/${pendingId}/complete`, { pin: '123456', otp: '12345' }, 400, 'bad_request'],
  ['complete: otp as a number', 'POST', () => `/api/v1/signing-requests/${pendingId}/complete`, { pin: '123456', otp: 123456 }, 400, 'bad_request'],
  ['complete: pin with letters', 'POST', () => `/api/v1/signing-requests/${pendingId}/complete`, { pin: '12345a', otp: '123456' }, 400, 'bad_request'],
  ['complete: extra field', 'POST', () => `/api/v1/signing-requests/${pendingId}/complete`, { pin: '123456', otp: '123456', nric: AMINAH.nric }, 400, 'bad_request'],
  ['complete: malformed JSON', 'POST', () => `/api/v1/signing-requests/${pendingId}/complete`, '{pin:1}', 400, 'bad_request'],
  ['complete: malformed id', 'POST', () => '/api/v1/signing-requests/not-an-id/complete', { pin: '123456', otp: '123456' }, 400, 'bad_request'],
  ['complete: unknown id', 'POST', () => '/api/v1/signing-requests/sr_AAAAAAAAAAAAAAAAAAAAAA/complete', { pin: '123456', otp: '123456' }, 404, 'not_found'],
  ['get: unknown id', 'GET', () => '/api/v1/signing-requests/sr_AAAAAAAAAAAAAAAAAAAAAA', undefined, 404, 'not_found'],
  ['resend: unknown id', 'POST', () => '/api/v1/signing-requests/sr_AAAAAAAAAAAAAAAAAAAAAA/otp', undefined, 404, 'not_found'],
  ['medium: bad nric', 'GET', () => '/api/v1/users/abc/medium', undefined, 400, 'bad_request'],
  ['verify: signature not base64', 'POST', () => '/api/v1/verify', { signature: '***', digest: doc.digest }, 400, 'bad_request'],
  ['verify: both content and digest', 'POST', () => '/api/v1/verify', { signature: 'MIIB', content: 'AAAA', digest: doc.digest }, 400, 'bad_request'],
  ['verify: random bytes as CMS', 'POST', () => '/api/v1/verify', { signature: Buffer.from('0123456789').toString('base64'), digest: doc.digest }, 400, 'bad_request'],
  ['verify: DER that is not SignedData', 'POST', () => '/api/v1/verify', { signature: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]).toString('base64'), digest: doc.digest }, 400, 'bad_request'],
  ['unknown API path', 'GET', () => '/api/v1/nothing-here', undefined, 404, 'not_found'],
  ['wrong method on a path', 'DELETE', () => '/api/v1/signing-requests', undefined, 404, 'not_found'],
  ['outbox without to', 'GET', () => '/api/v1/dev/outbox', undefined, 400, 'bad_request'],
  ['origin not allowed', 'POST', () => '/api/v1/signing-requests', base, 403, 'origin_not_allowed', { Origin: 'https://evil.example' }],
  ['origin "null"', 'POST', () => '/api/v1/signing-requests', base, 403, 'origin_not_allowed', { Origin: 'null' }],
];

describe('bad input gets a 4xx with a stable code and changes nothing', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('%s', async (_name, method, path, body, status, code, headers) => {
    const before = await snapshot();
    const res = await call(server, method, path(), body, headers);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(await snapshot()).toEqual(before);
  });
});

describe('outside sandbox mode', () => {
  it('the dev outbox is 404', async () => {
    const prod = await startTestServer({ ROAMSIGN_SANDBOX: '0', ROAMSIGN_SMTP_URL: 'smtp://127.0.0.1:2525' });
    try {
      const res = await call(prod, 'GET', '/api/v1/dev/outbox?to=900101011234');
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      // No demo officers either: demo PINs never exist outside sandbox mode.
      expect((await call(prod, 'GET', `/api/v1/users/${AMINAH.nric}/medium`)).body.error.code).toBe('user_not_found');
    } finally {
      await prod.close();
    }
  });
});
