import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH, call, createRequest, latestOtp, WEIMING, wrongOtp } from '../helpers/api.js';
import { startTestServer, type TestServer } from '../helpers/testServices.js';

let server: TestServer;
const secrets = new Set<string>([AMINAH.pin, WEIMING.pin, '111111']);

beforeAll(async () => {
  server = await startTestServer({ ROAMSIGN_LOG_LEVEL: 'info', ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS: '0' });
  // Every path that handles a PIN or an OTP: success, wrong PIN, wrong OTP, re-send, malformed, repeat.
  const created = await createRequest(server);
  const otp = await latestOtp(server, created.body.id);
  secrets.add(otp);
  const url = `/api/v1/signing-requests/${created.body.id}`;
  await call(server, 'POST', `${url}/complete`, { pin: '111111', otp });
  await call(server, 'POST', `${url}/complete`, { pin: AMINAH.pin, otp: wrongOtp(otp) });
  await call(server, 'POST', `${url}/otp`);
  const resent = await latestOtp(server, created.body.id);
  secrets.add(resent);
  await call(server, 'POST', `${url}/complete`, `{"pin":"${AMINAH.pin}","otp":"${resent}"`);
  await call(server, 'POST', `${url}/complete`, { pin: AMINAH.pin, otp: resent });
  await call(server, 'POST', `${url}/complete`, { pin: AMINAH.pin, otp: resent });
  const second = await createRequest(server, { nric: WEIMING.nric });
  const otp2 = await latestOtp(server, second.body.id, WEIMING.nric);
  secrets.add(otp2);
  await call(server, 'POST', `/api/v1/signing-requests/${second.body.id}/complete`, { pin: WEIMING.pin, otp: otp2 });
});
afterAll(() => server.close());

describe('logs', () => {
  it('the server logged the requests it handled', () => {
    expect(server.logs.length).toBeGreaterThan(8);
    expect(server.logs.some((line) => line.includes('/complete') && line.includes('"status":200'))).toBe(true);
  });

  it('no PIN or OTP appears in any log line', () => {
    for (const secret of secrets) {
      const pattern = new RegExp(`(?<![0-9A-Za-z])${secret}(?![0-9A-Za-z])`);
      const leaking = server.logs.filter((line) => pattern.test(line));
      expect(leaking, `secret ${secret} in logs`).toEqual([]);
    }
  });

  it('no master key or private key material appears either', () => {
    const masterKey = fs.readFileSync(`${server.dataDir}/master.key`, 'utf8').trim();
    expect(server.logs.join('\n')).not.toContain(masterKey);
    expect(server.logs.join('\n')).not.toMatch(/PRIVATE KEY/);
  });
});
