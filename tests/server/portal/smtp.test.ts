import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailText, startSmtpCapture, type SmtpCapture } from '../../helpers/smtpCapture.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { hiddenField, signInNewAdmin, Browser } from './browser.js';

let smtp: SmtpCapture;
let server: TestServer;
beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({ ROAMSIGN_SMTP_URL: smtp.url });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const HANA = { nric: '940404045454', email: 'hana@anm.gov.my', pin: '730419' };

describe('portal e-mail over real SMTP', () => {
  it('the verification link, the sign-in code and the approval notice arrive; no message carries the PIN', async () => {
    const { browser: admin } = await signInNewAdmin(server, 'sap', '1009');
    const reg = await admin.post('/portal/admin/officers', { nric: HANA.nric, name: 'Hana binti Yusof', email: HANA.email, agency: '1009', accountingOffice: 'JANM Perlis', system: 'igfmas', phone: '' });
    expect(reg.status).toBe(303);

    const verification = await smtp.waitFor((m) => m.to.includes(HANA.email) && mailText(m).includes('/portal/verify?token='));
    const token = /\/portal\/verify\?token=([A-Za-z0-9_-]+)/.exec(mailText(verification))![1]!;
    expect((await new Browser(server).get(`/portal/verify?token=${token}`)).status).toBe(200);

    const officer = new Browser(server);
    const step1 = await officer.post('/portal/sign-in', { nric: HANA.nric }, { csrf: null });
    const signInMail = await smtp.waitFor((m) => m.to.includes(HANA.email) && /Kod keselamatan log masuk anda: \d{6}/.test(mailText(m)));
    const code = /Kod keselamatan log masuk anda: (\d{6})/.exec(mailText(signInMail))![1]!;
    expect((await officer.post('/portal/sign-in/code', { challengeId: hiddenField(step1.text, 'challengeId'), code }, { csrf: null })).status).toBe(303);
    await officer.get('/portal/apply');

    const codePage = await officer.post('/portal/apply/code', {});
    const checkMail = await smtp.waitFor((m) => m.to.includes(HANA.email) && /keselamatan permohonan sijil anda: \d{6}/.test(mailText(m)));
    const checkCode = /keselamatan permohonan sijil anda: (\d{6})/.exec(mailText(checkMail))![1]!;
    const applied = await officer.post('/portal/apply', {
      challengeId: hiddenField(codePage.text, 'challengeId'),
      system: 'igfmas',
      pin: HANA.pin,
      pinConfirm: HANA.pin,
      officeAddress: 'Persiaran Jubli Emas, 01000 Kangar, Perlis',
      phone: '0134567890',
      code: checkCode,
      declaration: 'yes',
    });
    expect(applied.status, applied.text).toBe(303);

    const appId = /data-application="([^"]+)"/.exec((await admin.get('/portal/admin')).text)![1]!;
    expect((await admin.post(`/portal/admin/applications/${appId}/approve`, {})).status).toBe(303);
    const approval = await smtp.waitFor((m) => m.to.includes(HANA.email) && mailText(m).includes('Sijil telah dikeluarkan'));
    expect(mailText(approval)).toContain('Your certificate has been issued');

    expect(smtp.messages.length).toBeGreaterThanOrEqual(4);
    for (const mail of smtp.messages) expect(mailText(mail)).not.toMatch(new RegExp(`(?<!\\d)${HANA.pin}(?!\\d)`));
  });
});
