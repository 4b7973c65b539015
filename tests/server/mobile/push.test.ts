import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AMINAH, call, createRequest, latestOtp, makeDocument, wrongOtp } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { otpFromText } from '../../../server/mobile/pushHub.js';
import { openEvents, registerDevice, type EventStream } from './helpers.js';

let server: TestServer;
let streams: EventStream[] = [];

beforeEach(async () => {
  server = await startTestServer();
  // Short, so that the e-mail fallback is tested in well under a second.
  server.services.pushHub.ackTimeoutMs = 300;
});
afterEach(async () => {
  await Promise.all(streams.map((s) => s.close()));
  streams = [];
  await server.close();
});

async function connectedDevice() {
  const device = await registerDevice(server);
  const stream = await openEvents(server, device.secret);
  streams.push(stream);
  await stream.next('ready');
  return { ...device, stream };
}

const ack = (secret: string, pushId: string) => call(server, 'POST', '/api/v1/mobile/ack', { pushId }, { Authorization: `Bearer ${secret}` });

/** A connected phone, and a signing request whose OTP it received and acknowledged. */
async function requestOnDevice(documentId: string, amount: string) {
  const { secret, stream } = await connectedDevice();
  server.services.pushHub.ackTimeoutMs = 4000;
  const creating = createRequest(server, { documents: [makeDocument(documentId, amount)] });
  const push = (await stream.next('otp')).data;
  await ack(secret, push.pushId);
  return { secret, stream, push, created: (await creating).body };
}

/** OTP messages that went to Aminah's mailbox. */
async function otpEmails(): Promise<{ requestId: string; otp: string }[]> {
  const messages = (await call(server, 'GET', `/api/v1/dev/outbox?to=${AMINAH.email}`)).body as { requestId: string | null; otp: string; channel: string }[];
  return messages.filter((m) => m.requestId !== null && m.channel === 'email') as { requestId: string; otp: string }[];
}

describe('OTP by GPKI Mobile push', () => {
  it('takes the OTP out of the composed message (not the 4-digit verification code, not digits in a document id)', () => {
    const text = 'Anda diminta menandatangani dalam iGFMAS:\n- STH-2026-000123, MYR 12,500.00\n\nKod OTP anda: 493027\nKod pengesahan: 4821 (mesti sama dengan kod pada skrin tandatangan)\n';
    expect(otpFromText(text)).toBe('493027');
    expect(otpFromText('no code here 4821')).toBeNull();
  });

  it('a batch of long documents still reaches the phone (one NOTIFY on PostgreSQL): listed as far as fits, counted whole', async () => {
    const { secret, stream } = await connectedDevice();
    server.services.pushHub.ackTimeoutMs = 4000;
    const long = (i: number) => ({
      ...makeDocument(`STH-${String(i).padStart(3, '0')}-${'x'.repeat(90)}`),
      summary: { title: 'Bayaran bekalan '.repeat(12).slice(0, 200), amount: '1,000.00', currency: 'MYR', payee: 'Syarikat Pembekal Alat Tulis '.repeat(7).slice(0, 200) },
    });
    const creating = createRequest(server, { documents: Array.from({ length: 20 }, (_, i) => long(i)) });
    const push = (await stream.next('otp')).data;
    expect((await ack(secret, push.pushId)).status).toBe(200);
    const created = await creating;
    expect(created.body.channel).toBe('push');
    expect(push.documentCount).toBe(20);
    expect(push.documents.length).toBeGreaterThan(0);
    expect(push.documents.length).toBeLessThan(20);
  });

  it('an officer with an active connected device gets the OTP on it, with what is being signed; the ack means no e-mail', async () => {
    const { secret, stream } = await connectedDevice();
    server.services.pushHub.ackTimeoutMs = 4000;
    const creating = createRequest(server, { documents: [makeDocument('STH-2026-000777', '98,765.43')] });

    const push = (await stream.next('otp')).data;
    expect((await ack(secret, push.pushId)).status).toBe(200);
    const created = await creating;
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ channel: 'push', destination: 'GPKI Mobile (Telefon ujian, Android ••• 6701)' });

    expect(push).toMatchObject({
      requestId: created.body.id,
      system: 'igfmas',
      systemName: expect.stringContaining('GFMAS'),
      verificationCode: created.body.verificationCode,
      expiresAt: created.body.expiresAt,
      expiresInSeconds: 120,
      documents: [{ id: 'STH-2026-000777', amount: '98,765.43', currency: 'MYR', payee: 'Syarikat ABC Sdn Bhd', title: 'Baucar Bayaran' }],
    });
    expect(push.otp).toMatch(/^\d{6}$/);
    expect(push.text).toContain('STH-2026-000777');
    expect(push.text).toContain('98,765.43');
    expect(push.text).toContain(push.otp);
    // The sandbox outbox records the push, and nothing went to the mailbox.
    expect(await latestOtp(server, created.body.id)).toBe(push.otp);
    expect(await otpEmails()).toEqual([]);

    // The pushed OTP signs.
    const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp: push.otp });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('signed');
    // A second ack of the same push is late: nothing waits for it any more.
    expect((await ack(secret, push.pushId)).status).toBe(404);
  });

  it('no ack within the timeout: the OTP also goes by e-mail and the answer says so', async () => {
    const { stream } = await connectedDevice();
    const started = Date.now();
    const created = await createRequest(server);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ channel: 'email', destination: 'a***@anm.gov.my' });
    const push = (await stream.next('otp')).data;
    const mailed = (await otpEmails()).find((m) => m.requestId === created.body.id);
    expect(mailed?.otp).toBe(push.otp);
    const view = await call(server, 'GET', `/api/v1/signing-requests/${created.body.id}`);
    expect(view.body).toMatchObject({ status: 'pending' });
    const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp: mailed!.otp });
    expect(done.status).toBe(200);
  });

  it('an active device that is not connected: e-mail after the timeout; a device that connects in time still gets it', async () => {
    const device = await registerDevice(server);
    const offline = await createRequest(server);
    expect(offline.body).toMatchObject({ channel: 'email', destination: 'a***@anm.gov.my' });

    server.services.pushHub.ackTimeoutMs = 3000;
    const creating = createRequest(server, { documents: [makeDocument('STH-2026-000124')] });
    await new Promise((r) => setTimeout(r, 100));
    const late = await openEvents(server, device.secret);
    streams.push(late);
    const push = (await late.next('otp')).data;
    expect(push.documents[0].id).toBe('STH-2026-000124');
    await ack(device.secret, push.pushId);
    expect((await creating).body).toMatchObject({ channel: 'push' });
  });

  it('no device: e-mail straight away', async () => {
    const created = await createRequest(server);
    expect(created.body).toMatchObject({ channel: 'email', destination: 'a***@anm.gov.my' });
    expect((await otpEmails()).map((m) => m.requestId)).toContain(created.body.id);
  });

  it('channel "email" asked for: no push even with a device', async () => {
    const { stream } = await connectedDevice();
    const created = await createRequest(server, { channel: 'email' });
    expect(created.body).toMatchObject({ channel: 'email' });
    await expect(stream.next('otp', 200)).rejects.toThrow(/no 'otp' event/);
  });

  it('a batch push names the count and the total', async () => {
    const { secret, stream } = await connectedDevice();
    server.services.pushHub.ackTimeoutMs = 4000;
    const creating = createRequest(server, { documents: [makeDocument('STH-1', '1,000.00'), makeDocument('STH-2', '234.50')] });
    const push = (await stream.next('otp')).data;
    await ack(secret, push.pushId);
    expect((await creating).body.channel).toBe('push');
    expect(push.documents.map((d: { id: string }) => d.id)).toEqual(['STH-1', 'STH-2']);
    expect(push.total).toBe('RM 1,234.50');
  });

  it("an ack by another device or of another device's push does not count", async () => {
    const { stream } = await connectedDevice();
    const other = await registerDevice(server, { nric: '880202025678', phone: '+60123456702' });
    const creating = createRequest(server);
    const push = (await stream.next('otp')).data;
    expect((await ack(other.secret, push.pushId)).status).toBe(404);
    expect((await creating).body.channel).toBe('email');
  });

  it('a re-sent OTP is pushed again to the device', async () => {
    const { secret, stream } = await connectedDevice();
    server.services.pushHub.ackTimeoutMs = 4000;
    const creating = createRequest(server);
    const first = (await stream.next('otp')).data;
    await ack(secret, first.pushId);
    const created = (await creating).body;
    server.clock.advance(61_000);
    const resending = call(server, 'POST', `/api/v1/signing-requests/${created.id}/otp`);
    const second = (await stream.next('otp')).data;
    await ack(secret, second.pushId);
    expect((await resending).status).toBe(200);
    expect(second.requestId).toBe(created.id);
    expect(second.pushId).not.toBe(first.pushId);
  });

  it('when the request ends (signed, cancelled) the device stream is told, so the phone blanks the used OTP', async () => {
    const { secret, stream, push, created } = await requestOnDevice('STH-2026-000778', '10.00');
    // Nothing ends while it is pending.
    expect(stream.events.some((e) => e.event === 'request-ended')).toBe(false);
    const done = await call(server, 'POST', `/api/v1/signing-requests/${created.id}/complete`, { pin: AMINAH.pin, otp: push.otp });
    expect(done.body.status).toBe('signed');
    expect((await stream.next('request-ended')).data).toEqual({ requestId: created.id, outcome: 'signed' });

    const second = createRequest(server, { documents: [makeDocument('STH-2026-000779', '11.00')] });
    await ack(secret, (await stream.next('otp')).data.pushId);
    const other = (await second).body;
    expect((await call(server, 'POST', `/api/v1/signing-requests/${other.id}/cancel`)).status).toBe(200);
    expect((await stream.next('request-ended')).data).toEqual({ requestId: other.id, outcome: 'cancelled' });
  });

  it('three wrong OTPs end the request: the device is told it failed', async () => {
    const { stream, push, created } = await requestOnDevice('STH-2026-000780', '12.00');
    const wrong = wrongOtp(push.otp);
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(server, 'POST', `/api/v1/signing-requests/${created.id}/complete`, { pin: AMINAH.pin, otp: wrong });
      codes.push(res.body.error.code);
    }
    expect(codes.at(-1)).toBe('otp_attempts_exceeded');
    expect((await stream.next('request-ended')).data).toEqual({ requestId: created.id, outcome: 'failed' });
  });
});
