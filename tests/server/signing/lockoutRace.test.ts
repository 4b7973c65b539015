import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PIN_MAX_FAILURES } from '../../../server/pin/pinAttempts.js';
import { AMINAH, call, createRequest, latestOtp, makeDocument } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

// Issue 9, "lock-outs are atomic": each PIN try is counted before the PIN is checked, so 30
// completions at once cannot check more wrong PINs than the lock-out allows.

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ ROAMSIGN_PENDING_PER_CALLER: '30' });
});
afterEach(() => server.close());

/** 30 requests with their OTPs, each completed at once with the given PIN. */
async function race(pins: string[]) {
  const requests = [];
  for (let i = 0; i < pins.length; i++) {
    const created = await createRequest(server, { documents: [makeDocument(`RACE-${i}`)] });
    expect(created.status).toBe(201);
    requests.push({ id: created.body.id as string, otp: await latestOtp(server, created.body.id) });
  }
  return Promise.all(requests.map((r, i) => call(server, 'POST', `/api/v1/signing-requests/${r.id}/complete`, { pin: pins[i], otp: r.otp })));
}

const wrongChecked = async () => Number((await server.services.db.get<{ n: number }>("select count(*) as n from audit_log where action = 'pin.wrong'"))!.n);
const lockedAt = async () => (await server.services.db.get<{ at: number | null }>('select pin_locked_at as "at" from officers where nric = ?', AMINAH.nric))!.at;

describe('the 30-way PIN race', () => {
  it('30 wrong PINs at once: exactly 5 are checked, then the officer is locked', async () => {
    const answers = await race(Array.from({ length: 30 }, (_, i) => String(111111 + i)));
    const codes = answers.map((a) => a.body.error.code as string);
    expect(codes.filter((c) => c === 'pin_invalid')).toHaveLength(PIN_MAX_FAILURES - 1);
    expect(codes.filter((c) => c === 'pin_locked')).toHaveLength(30 - (PIN_MAX_FAILURES - 1));
    expect(await wrongChecked()).toBe(PIN_MAX_FAILURES);
    expect(await lockedAt()).not.toBeNull();
  });

  it('29 wrong and the right one at once: the right one signs only if counted before the lock; the officer ends locked', async () => {
    const answers = await race([...Array.from({ length: 29 }, (_, i) => String(111111 + i)), AMINAH.pin]);
    const right = answers[29]!;
    expect([200, 423]).toContain(right.status);
    for (const wrong of answers.slice(0, 29)) expect(['pin_invalid', 'pin_locked']).toContain(wrong.body.error.code);
    // A right PIN clears the failures counted before it, so at most 2 x 5 - 1 wrong PINs are checked
    // in all (4 before it, 5 after); without the count first, all 29 were.
    expect(await wrongChecked()).toBeLessThanOrEqual(2 * PIN_MAX_FAILURES - 1);
    expect(await lockedAt()).not.toBeNull();
    const signatures = Number((await server.services.db.get<{ n: number }>('select count(*) as n from signatures'))!.n);
    expect(signatures).toBe(right.status === 200 ? 1 : 0);
  });
});
