import { afterEach, describe, expect, it } from 'vitest';
import { sweepOnce } from '../../../server/cluster/sweeper.js';
import { SIGNING_LEASE_MS } from '../../../server/cluster/recoverRequests.js';
import { AMINAH, call, createRequest, latestOtp } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

// Issue 9, "crash recovery": a request whose OTP was consumed but whose signature never committed
// reaches a final, truthful state; GET never says pending after expiry; complete never hangs.
// ROAMSIGN_TEST_SIGNING_DELAY_MS (sandbox only) holds a signature after its OTP is consumed.

let server: TestServer;
afterEach(() => server.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const statusInDb = async (id: string) => (await server.services.db.get<{ status: string }>('select status from signing_requests where id = ?', id))!.status;

async function untilSigning(id: string): Promise<void> {
  for (let i = 0; i < 500 && (await statusInDb(id)) !== 'signing'; i++) await sleep(10);
  expect(await statusInDb(id)).toBe('signing');
}

async function heldCompletion() {
  const created = await createRequest(server);
  const id = created.body.id as string;
  const otp = await latestOtp(server, id);
  const url = `/api/v1/signing-requests/${id}`;
  const completing = call(server, 'POST', `${url}/complete`, { pin: AMINAH.pin, otp });
  await untilSigning(id);
  return { id, otp, url, completing };
}

describe('a signature held after its OTP was consumed', () => {
  it('is pending, never past its expiry, while its lease runs; a second complete answers within seconds', async () => {
    server = await startTestServer({ ROAMSIGN_TEST_SIGNING_DELAY_MS: '6000' });
    const { otp, url, completing } = await heldCompletion();
    const view = await call(server, 'GET', url);
    expect(view.body.status).toBe('pending');
    expect(Date.parse(view.body.expiresAt)).toBeGreaterThanOrEqual(server.clock.now + SIGNING_LEASE_MS);
    // The second completion gives up waiting long before the first one signs.
    const second = call(server, 'POST', `${url}/complete`, { pin: AMINAH.pin, otp });
    const first = await Promise.race([completing.then(() => 'first'), second.then(() => 'second')]);
    expect(first).toBe('second');
    expect((await second).body.error).toMatchObject({ code: 'request_not_pending', details: { status: 'pending', retryAfterSeconds: 1 } });
    expect((await completing).status).toBe(200);
  });

  it('once its lease has run out it is failed as interrupted: GET says so, the late signer commits nothing, the officer signs again', async () => {
    server = await startTestServer({ ROAMSIGN_TEST_SIGNING_DELAY_MS: '2000' });
    const { id, otp, url, completing } = await heldCompletion();
    server.clock.advance(SIGNING_LEASE_MS + 1);
    const view = await call(server, 'GET', url);
    expect(view.body.status).toBe('failed');
    // The held completion wakes to a request that is no longer its own: it answers the truth and keeps nothing.
    const late = await completing;
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'request_not_pending', details: { status: 'failed', reason: 'interrupted' } });
    expect(Number((await server.services.db.get<{ n: number }>('select count(*) as n from signatures where request_id = ?', id))!.n)).toBe(0);
    const again = await call(server, 'POST', `${url}/complete`, { pin: AMINAH.pin, otp });
    expect(again.body.error).toMatchObject({ code: 'request_not_pending', details: { status: 'failed', reason: 'interrupted' } });
    const audit = await server.services.db.all<{ action: string }>("select action from audit_log where subject = ? and action in ('otp.consumed', 'request.interrupted', 'request.signed') order by seq", id);
    expect(audit.map((a) => a.action)).toEqual(['otp.consumed', 'request.interrupted']);

    const fresh = await createRequest(server);
    expect(fresh.status).toBe(201);
    const signed = await call(server, 'POST', `/api/v1/signing-requests/${fresh.body.id}/complete`, { pin: AMINAH.pin, otp: await latestOtp(server, fresh.body.id) });
    expect(signed.status).toBe(200);
  });

  it('the sweep fails requests whose lease ran out (or that have none) and leaves live ones alone', async () => {
    server = await startTestServer();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createRequest(server)).body.id);
    const now = server.clock.now;
    await server.services.db.run("update signing_requests set status = 'signing', signing_until = ? where id = ?", now - 1, ids[0]);
    await server.services.db.run("update signing_requests set status = 'signing', signing_until = null where id = ?", ids[1]);
    await server.services.db.run("update signing_requests set status = 'signing', signing_until = ? where id = ?", now + 5000, ids[2]);
    const swept = await sweepOnce(server.services);
    expect(swept.recovered.sort()).toEqual([ids[0], ids[1]].sort());
    expect(await Promise.all(ids.map(statusInDb))).toEqual(['failed', 'failed', 'signing']);
  });
});
