import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH, call, createRequest, latestOtp } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { hiddenField, latestCode, signInOfficer } from './browser.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const lockState = async () => (await server.services.db.get('select pin_failures as f, pin_locked_at as l from officers where nric = ?', AMINAH.nric)) as { f: number; l: number | null };

async function signWith(pin: string) {
  const created = await createRequest(server);
  expect(created.status).toBe(201);
  return call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin, otp: await latestOtp(server, created.body.id) });
}

describe('PIN change and reset in the portal', () => {
  it('change PIN: rules enforced (in words), a wrong old PIN counts, the right one changes it', async () => {
    const officer = await signInOfficer(server, AMINAH.nric);
    await officer.get('/portal/pin');
    const weak = await officer.post('/portal/pin/change', { oldPin: AMINAH.pin, pin: '121212', pinConfirm: '121212' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('PIN ini terlalu biasa');
    const wrongOld = await officer.post('/portal/pin/change', { oldPin: '000001', pin: '583927', pinConfirm: '583927' });
    expect(wrongOld.status).toBe(400);
    expect(wrongOld.text).toContain('PIN tidak sah');
    expect((await lockState()).f).toBe(1);
    const ok = await officer.post('/portal/pin/change', { oldPin: AMINAH.pin, pin: '583927', pinConfirm: '583927' });
    expect(ok.status).toBe(303);
    expect(await lockState()).toEqual({ f: 0, l: null });
    expect((await signWith('583927')).body.status).toBe('signed');
  });

  it('a forgotten-PIN reset with the e-mailed code sets a new PIN and clears a PIN lock', async () => {
    for (let i = 0; i < 5; i++) await signWith('999990');
    expect((await lockState()).l).not.toBeNull();
    expect((await createRequest(server)).body.error.code).toBe('pin_locked');

    const officer = await signInOfficer(server, AMINAH.nric);
    await officer.get('/portal/pin');
    const codePage = await officer.post('/portal/pin/reset/code', {});
    expect(codePage.status).toBe(200);
    const challengeId = hiddenField(codePage.text, 'challengeId');
    const code = await latestCode(server, AMINAH.nric);
    const mismatch = await officer.post('/portal/pin/reset', { challengeId, code, pin: '274619', pinConfirm: '274618' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('Kedua-dua PIN tidak sama');
    const reset = await officer.post('/portal/pin/reset', { challengeId, code, pin: '274619', pinConfirm: '274619' });
    expect(reset.status, reset.text).toBe(303);
    expect(await lockState()).toEqual({ f: 0, l: null });
    expect((await signWith('274619')).body.status).toBe('signed');
    const audit = (await server.services.db.get("select count(*) as n from audit_log where action = 'pin.reset' and subject = ?", AMINAH.nric));
    expect(audit).toEqual({ n: 1 });
    // The code was single use.
    expect((await officer.post('/portal/pin/reset', { challengeId, code, pin: '274610', pinConfirm: '274610' })).status).toBe(400);
  });
});
