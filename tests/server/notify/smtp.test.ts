import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH, call, createRequest } from '../../helpers/api.js';
import { mailText, startSmtpCapture, type SmtpCapture } from '../../helpers/smtpCapture.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

let smtp: SmtpCapture;
let server: TestServer;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({ ROAMSIGN_SMTP_URL: smtp.url, ROAMSIGN_MAIL_FROM: 'RoamSign <no-reply@roamsign.gov.my>' });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

describe('OTP e-mail over real SMTP (nodemailer -> smtp-server)', () => {
  it('delivers the OTP to the officer, naming the document; the code from the e-mail signs', async () => {
    const created = await createRequest(server);
    expect(created.status).toBe(201);
    const mail = await smtp.waitFor((m) => mailText(m).includes(created.body.verificationCode) && m.to.includes(AMINAH.email));
    expect(mail.from).toBe('no-reply@roamsign.gov.my');
    const text = mailText(mail);
    expect(text).toMatch(/Subject: .*Tandatangan .* dalam iGFMAS \(RoamSign\)/);
    expect(/Subject: (.*)/.exec(text)?.[1]?.replace('STH-2026-000123', '')).not.toContain(created.body.verificationCode);
    expect(text).toContain('STH-2026-000123');
    expect(text).toContain('12,500.00');
    const otp = /Kod OTP anda: (\d{6})/.exec(text)?.[1];
    expect(otp).toMatch(/^\d{6}$/);

    const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('signed');
  });

  it('no message carries the PIN', () => {
    expect(smtp.messages.length).toBeGreaterThan(0);
    for (const mail of smtp.messages) expect(mailText(mail)).not.toMatch(new RegExp(`(?<!\\d)${AMINAH.pin}(?!\\d)`));
  });

  it('an unreachable SMTP server fails the request cleanly (500 internal, request failed, no OTP left live)', async () => {
    const broken = await startTestServer({ ROAMSIGN_SMTP_URL: 'smtp://127.0.0.1:9' });
    try {
      const res = await createRequest(broken);
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('internal');
      const row = (await broken.services.db.get('select status, otp_hash from signing_requests')) as { status: string; otp_hash: string | null };
      expect(row).toEqual({ status: 'failed', otp_hash: null });
    } finally {
      await broken.close();
    }
  });
});
