import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMalaysiaTime } from '../../../shared/time.js';
import { AMINAH, apiClient, call, createRequest, documentBytes, latestOtp, makeDocument, RAJESH, WEIMING, systemApiClient, wrongOtp } from '../../helpers/api.js';
import { cmsVerify } from '../../helpers/openssl.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS: '0' });
});
afterEach(() => server.close());

async function pem(path: string): Promise<string> {
  const res = await server.app.request(path);
  return res.text();
}

async function signOne(documentId = 'STH-2026-000123') {
  const created = await createRequest(server, { documents: [makeDocument(documentId)] });
  expect(created.status).toBe(201);
  const otp = await latestOtp(server, created.body.id);
  // The typed client: a wrong path, field or answer shape here fails to compile.
  const done = await (await systemApiClient(server)).api.v1['signing-requests'][':id'].complete.$post({ param: { id: created.body.id }, json: { pin: AMINAH.pin, otp } });
  expect(done.status).toBe(200);
  if (done.status !== 200) throw new Error('not signed');
  const body = await done.json();
  expect(body.signatures).toHaveLength(1);
  return { id: created.body.id as string, otp, done: body as any };
}

describe('medium look-up', () => {
  it.each([
    [AMINAH.nric, ['roaming'], 'roaming'],
    [WEIMING.nric, ['roaming', 'token'], 'roaming'],
    [RAJESH.nric, ['token'], 'token'],
  ])('%s has media %j and prefers %s', async (nric, media, preferred) => {
    const res = await apiClient(server).api.v1.users[':nric'].medium.$get({ param: { nric } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ nric, media, preferred });
  });

  it('accepts the dashed MyKad form and answers user_not_found for a stranger', async () => {
    expect((await call(server, 'GET', '/api/v1/users/900101-01-1234/medium')).body.nric).toBe(AMINAH.nric);
    const res = await call(server, 'GET', '/api/v1/users/111111111111/medium');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('user_not_found');
  });
});

describe('create, OTP message, complete', () => {
  it('creates a request, e-mails an OTP naming the document, and returns the API.md fields', async () => {
    const res = await createRequest(server);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', channel: 'email', destination: 'a***@anm.gov.my', otpLength: 6 });
    expect(res.body.id).toMatch(/^sr_/);
    expect(res.body.verificationCode).toMatch(/^\d{4}$/);
    expect(Date.parse(res.body.expiresAt) - server.clock.now).toBe(120_000);

    const outbox = await call(server, 'GET', `/api/v1/dev/outbox?to=${AMINAH.email}`);
    const message = outbox.body[0];
    expect(message).toMatchObject({ to: AMINAH.email, channel: 'email', requestId: res.body.id });
    expect(message.otp).toMatch(/^\d{6}$/);
    expect(message.text).toContain('STH-2026-000123');
    expect(message.text).toContain('12,500.00');
    expect(message.text).toContain(message.otp);
    expect(message.text).toContain(res.body.verificationCode);
    // Malaysian time, to the second, in words people read (never a UTC instant).
    expect(message.text).toContain(formatMalaysiaTime('ms', Date.parse(res.body.expiresAt), { seconds: true, zone: true }));
    expect(message.text).not.toContain(res.body.expiresAt);
    expect(message.subject).toContain('STH-2026-000123');
    expect(message.subject.replace('STH-2026-000123', '')).not.toContain(res.body.verificationCode);
  });

  it('a token-only officer cannot open a roaming request', async () => {
    const res = await createRequest(server, { nric: RAJESH.nric });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('medium_not_roaming');
  });

  it('signs; OpenSSL accepts the CMS for the document and rejects it for a changed one', async () => {
    const { done } = await signOne();
    expect(done).toMatchObject({ status: 'signed', verification: { valid: true } });
    expect(done.signatures).toHaveLength(1);
    const signature = Buffer.from(done.signatures[0].signature, 'base64');
    const caPem = await pem('/ca.pem');

    const good = cmsVerify({ signature, content: documentBytes('STH-2026-000123'), caPem });
    expect(good.output).toContain('Verification successful');
    expect(good.ok).toBe(true);

    const changed = cmsVerify({ signature, content: documentBytes('STH-2026-000123', '99,999.00'), caPem });
    expect(changed.ok).toBe(false);
    expect(changed.output).toMatch(/verification failure/i);
  });

  it('includes the CAdES-BES signed attributes and the signer certificate', async () => {
    const { done } = await signOne();
    const { parseDetachedCms } = await import('../../../server/cms/parseDetached.js');
    const cms = parseDetachedCms(Buffer.from(done.signatures[0].signature, 'base64'));
    expect(cms.contentType).toBe('1.2.840.113549.1.7.1');
    expect(cms.messageDigest?.toString('base64')).toBe(makeDocument('STH-2026-000123').digest);
    expect(cms.signingTime?.getTime()).toBe(Math.floor(server.clock.now / 1000) * 1000);
    expect(cms.signingCertificateHash).toHaveLength(32);
    expect(cms.certificates).toHaveLength(1);
    expect(cms.hasEmbeddedContent).toBe(false);
  });

  it('completing again returns the same body and makes no second signature', async () => {
    const { id, otp, done } = await signOne();
    const again = await call(server, 'POST', `/api/v1/signing-requests/${id}/complete`, { pin: AMINAH.pin, otp });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(done);
    const count = (await server.services.db.get('select count(*) as n from signatures where request_id = ?', id)) as { n: number };
    expect(count.n).toBe(1);
    expect((await call(server, 'GET', `/api/v1/signing-requests/${id}`)).body.status).toBe('signed');
  });

  it('signs a batch of 120 documents with one OTP, one verifiable CMS each', async () => {
    const documents = Array.from({ length: 120 }, (_, i) => makeDocument(`BB-2026-${String(i).padStart(6, '0')}`, `${i + 1},000.00`));
    const created = await createRequest(server, { documents });
    expect(created.status).toBe(201);
    const message = (await call(server, 'GET', `/api/v1/dev/outbox?to=${AMINAH.nric}`)).body[0];
    expect(message.text).toContain('120 dokumen');
    expect(message.text).toContain('RM 7,260,000.00');
    const otp = message.otp;
    const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
    expect(done.status).toBe(200);
    expect(done.body.signatures.map((s: { documentId: string }) => s.documentId)).toEqual(documents.map((d) => d.id));
    const caPem = await pem('/ca.pem');
    for (const i of [0, 1, 77, 119]) {
      const result = cmsVerify({
        signature: Buffer.from(done.body.signatures[i].signature, 'base64'),
        content: documentBytes(documents[i]!.id, `${i + 1},000.00`),
        caPem,
      });
      expect(result.ok, `document ${i}: ${result.output}`).toBe(true);
    }
    const verify = await call(server, 'POST', '/api/v1/verify', { signature: done.body.signatures[77].signature, digest: documents[77]!.digest });
    expect(verify.body.valid).toBe(true);
    expect(verify.body.signer.nric).toBe(AMINAH.nric);
  });
});

describe('revocation', () => {
  it('after revocation OpenSSL with the current CRL rejects the signature and /verify reports revoked', async () => {
    const { done } = await signOne();
    const signature = Buffer.from(done.signatures[0].signature, 'base64');
    const content = documentBytes('STH-2026-000123');
    const caPem = await pem('/ca.pem');

    expect(cmsVerify({ signature, content, caPem, crlPem: await pem('/crl.pem') }).ok).toBe(true);

    const serial = done.signatures[0].certificateSerial;
    expect(await server.services.ca.revoke(serial, 'keyCompromise', 'test')).toBe('revoked');

    const crlPem = await pem('/crl.pem');
    expect(crlPem).toContain('-----BEGIN X509 CRL-----');
    const rejected = cmsVerify({ signature, content, caPem, crlPem });
    expect(rejected.ok).toBe(false);
    expect(rejected.output).toMatch(/certificate revoked/i);

    const report = await call(server, 'POST', '/api/v1/verify', { signature: done.signatures[0].signature, content: content.toString('base64') });
    expect(report.status).toBe(200);
    expect(report.body.valid).toBe(false);
    expect(report.body.certificate).toMatchObject({ serial, status: 'revoked' });
    expect(report.body.certificate.revokedAt).not.toBeNull();
    expect(report.body.checks).toContainEqual(expect.objectContaining({ name: 'crl', ok: false }));

    const again = await createRequest(server);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('certificate_revoked');
  });

  it('the DER CRL is served as application/pkix-crl', async () => {
    const res = await server.app.request('/crl');
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    expect(Buffer.from(await res.arrayBuffer())[0]).toBe(0x30);
  });
});

describe('verification report', () => {
  it('a valid signature over other content is a 200 report naming the failing check', async () => {
    const { done } = await signOne();
    const res = await call(server, 'POST', '/api/v1/verify', { signature: done.signatures[0].signature, content: Buffer.from('other').toString('base64') });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.checks).toContainEqual(expect.objectContaining({ name: 'signature', ok: false }));
    expect(res.body.checks).toContainEqual({ name: 'chain', ok: true });
  });

  it('bytes that are not CMS are bad_request', async () => {
    const res = await call(server, 'POST', '/api/v1/verify', { signature: Buffer.from('hello world').toString('base64'), digest: makeDocument('x').digest });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });
});

describe('OTP rules', () => {
  it('20 concurrent completions with the right PIN and OTP make exactly one signature', async () => {
    const created = await createRequest(server);
    const otp = await latestOtp(server, created.body.id);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp })),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(results.filter((r) => !(r.status === 200 || r.body.error?.code === 'request_not_pending')).map((r) => [r.status, r.body])).toEqual([]);
    const distinct = new Set(ok.map((r) => r.body.signatures[0].signature));
    expect(distinct.size).toBe(1);
    const count = (await server.services.db.get('select count(*) as n from signatures where request_id = ?', created.body.id)) as { n: number };
    expect(count.n).toBe(1);
  });

  it('the OTP expires after its TTL', async () => {
    const short = await startTestServer({ ROAMSIGN_OTP_TTL_SECONDS: '2' }, { realClock: true });
    try {
      const created = await createRequest(short);
      const otp = await latestOtp(short, created.body.id);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const res = await call(short, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
      expect(res.status).toBe(410);
      expect(res.body.error.code).toBe('otp_expired');
      expect((await call(short, 'GET', `/api/v1/signing-requests/${created.body.id}`)).body.status).toBe('expired');
    } finally {
      await short.close();
    }
  });

  it('dies after 3 wrong tries, even with the right code after', async () => {
    const created = await createRequest(server);
    const otp = await latestOtp(server, created.body.id);
    const url = `/api/v1/signing-requests/${created.body.id}/complete`;
    const first = await call(server, 'POST', url, { pin: AMINAH.pin, otp: wrongOtp(otp) });
    expect(first.status).toBe(401);
    expect(first.body.error).toMatchObject({ code: 'otp_invalid', details: { attemptsLeft: 2 } });
    expect((await call(server, 'POST', url, { pin: AMINAH.pin, otp: wrongOtp(otp) })).body.error.details.attemptsLeft).toBe(1);
    const third = await call(server, 'POST', url, { pin: AMINAH.pin, otp: wrongOtp(otp) });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('otp_attempts_exceeded');
    const right = await call(server, 'POST', url, { pin: AMINAH.pin, otp });
    expect(right.status).toBe(409);
    expect(right.body.error.code).toBe('request_not_pending');
    expect((await call(server, 'GET', `/api/v1/signing-requests/${created.body.id}`)).body.status).toBe('failed');
  });

  it('a re-sent OTP kills the old one', async () => {
    const created = await createRequest(server);
    const oldOtp = await latestOtp(server, created.body.id);
    const resent = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/otp`);
    expect(resent.status).toBe(200);
    const newOtp = (await call(server, 'GET', `/api/v1/dev/outbox?to=${AMINAH.nric}`)).body[0].otp;
    const url = `/api/v1/signing-requests/${created.body.id}/complete`;
    if (newOtp !== oldOtp) {
      const old = await call(server, 'POST', url, { pin: AMINAH.pin, otp: oldOtp });
      expect(old.body.error.code).toBe('otp_invalid');
    }
    expect((await call(server, 'POST', url, { pin: AMINAH.pin, otp: newOtp })).status).toBe(200);
  });

  it('an expired OTP can be replaced by a re-send, which then signs', async () => {
    const created = await createRequest(server);
    server.clock.advance(121_000);
    const url = `/api/v1/signing-requests/${created.body.id}`;
    expect((await call(server, 'POST', `${url}/complete`, { pin: AMINAH.pin, otp: await latestOtp(server, created.body.id) })).body.error.code).toBe('otp_expired');
    const resent = await call(server, 'POST', `${url}/otp`);
    expect(resent.status).toBe(200);
    expect(Date.parse(resent.body.expiresAt)).toBe(server.clock.now + 120_000);
    expect((await call(server, 'POST', `${url}/complete`, { pin: AMINAH.pin, otp: await latestOtp(server, created.body.id) })).status).toBe(200);
  });

  it('re-sends are limited per request and need a cooldown', async () => {
    const strict = await startTestServer({ ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS: '30', ROAMSIGN_OTP_MAX_RESENDS: '2' });
    try {
      const created = await createRequest(strict);
      const url = `/api/v1/signing-requests/${created.body.id}/otp`;
      const tooSoon = await call(strict, 'POST', url);
      expect(tooSoon.status).toBe(429);
      expect(tooSoon.body.error).toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: 30 } });
      for (let i = 0; i < 2; i++) {
        strict.clock.advance(30_000);
        expect((await call(strict, 'POST', url)).status).toBe(200);
      }
      strict.clock.advance(30_000);
      expect((await call(strict, 'POST', url)).body.error.code).toBe('rate_limited');
    } finally {
      await strict.close();
    }
  });

  it('OTP sends per officer per hour are limited', async () => {
    const strict = await startTestServer({ ROAMSIGN_OTP_SENDS_PER_HOUR: '3' });
    try {
      for (let i = 0; i < 3; i++) expect((await createRequest(strict)).status).toBe(201);
      const fourth = await createRequest(strict);
      expect(fourth.status).toBe(429);
      expect(fourth.body.error.code).toBe('rate_limited');
      expect(await strict.services.outbox.list(AMINAH.nric)).toHaveLength(3);
      strict.clock.advance(60 * 60 * 1000 + 1);
      expect((await createRequest(strict)).status).toBe(201);
    } finally {
      await strict.close();
    }
  });

  it('cancel kills the request and its OTP', async () => {
    const created = await createRequest(server);
    const otp = await latestOtp(server, created.body.id);
    const url = `/api/v1/signing-requests/${created.body.id}`;
    expect((await call(server, 'POST', `${url}/cancel`)).body.status).toBe('cancelled');
    const res = await call(server, 'POST', `${url}/complete`, { pin: AMINAH.pin, otp });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('request_not_pending');
  });
});

describe('PIN lock-out', () => {
  it('5 wrong PINs lock the officer, and the lock survives a restart', async () => {
    const created = await createRequest(server);
    const otp = await latestOtp(server, created.body.id);
    const url = `/api/v1/signing-requests/${created.body.id}/complete`;
    for (let i = 1; i <= 4; i++) {
      const res = await call(server, 'POST', url, { pin: '111111', otp });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'pin_invalid', details: { attemptsLeft: 5 - i } });
    }
    const fifth = await call(server, 'POST', url, { pin: '111111', otp });
    expect(fifth.status).toBe(423);
    expect(fifth.body.error.code).toBe('pin_locked');
    expect((await call(server, 'POST', url, { pin: AMINAH.pin, otp })).body.error.code).toBe('pin_locked');

    await server.close();
    server = await startTestServer({}, { dataDir: server.dataDir });
    const afterRestart = await createRequest(server);
    expect(afterRestart.status).toBe(423);
    expect(afterRestart.body.error.code).toBe('pin_locked');
  });

  it('a right PIN resets the count of wrong ones', async () => {
    for (let round = 0; round < 2; round++) {
      const created = await createRequest(server);
      const otp = await latestOtp(server, created.body.id);
      const url = `/api/v1/signing-requests/${created.body.id}/complete`;
      for (let i = 0; i < 3; i++) expect((await call(server, 'POST', url, { pin: '111111', otp })).body.error.code).toBe('pin_invalid');
      expect((await call(server, 'POST', url, { pin: AMINAH.pin, otp })).status).toBe(200);
    }
  });
});

describe('origins', () => {
  const allowed = { Origin: 'http://localhost:8787' };
  const stranger = { Origin: 'https://evil.example' };

  it('a browser on an allowed origin gets CORS headers; others are refused', async () => {
    const ok = await createRequest(server, {}, allowed);
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:8787');

    const bad = await createRequest(server, {}, stranger);
    expect(bad.status).toBe(403);
    expect(bad.body.error.code).toBe('origin_not_allowed');
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();

    const preflight = await server.app.request('/api/v1/signing-requests', { method: 'OPTIONS', headers: { ...allowed, 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('an origin allowed for another system only cannot open a request for this one', async () => {
    const res = await createRequest(server, { system: 'speks' }, { Origin: 'https://igfmas.anm.gov.my' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('origin_not_allowed');
  });

  it('ROAMSIGN_ALLOWED_ORIGINS adds origins', async () => {
    const extra = await startTestServer({ ROAMSIGN_ALLOWED_ORIGINS: 'https://agency.example.gov.my' });
    try {
      expect((await createRequest(extra, {}, { Origin: 'https://agency.example.gov.my' })).status).toBe(201);
    } finally {
      await extra.close();
    }
  });

  it('a request is bound to its origin: another allowed origin cannot complete it', async () => {
    const created = await createRequest(server, {}, allowed);
    const otp = await latestOtp(server, created.body.id);
    const res = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp }, { Origin: 'https://igfmas.anm.gov.my' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('origin_not_allowed');
  });
});

describe('messages', () => {
  it('are Bahasa Malaysia by default and English with Accept-Language: en', async () => {
    const ms = await call(server, 'GET', '/api/v1/users/111111111111/medium');
    expect(ms.body.error.message).toBe('Pengguna tidak dijumpai.');
    const en = await call(server, 'GET', '/api/v1/users/111111111111/medium', undefined, { 'Accept-Language': 'en-GB,en;q=0.9' });
    expect(en.body.error.message).toBe('User not found.');
  });
});
