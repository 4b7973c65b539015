import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { hiddenField, latestCode, signInOfficer } from './browser.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** The field with this id: its tag, whether it is marked invalid, and the text of what its aria-describedby names. */
function fieldOf(page: string, id: string) {
  const tag = new RegExp(`<(?:input|select)\\b[^>]*\\bid="${id}"[^>]*>`, 's').exec(page)?.[0];
  if (!tag) throw new Error(`no field ${id} in page`);
  const ids = /aria-describedby="([^"]+)"/.exec(tag)?.[1]?.split(' ') ?? [];
  const described = ids.map((d) => new RegExp(`<(\\w+)\\b[^>]*\\bid="${d}"[^>]*>(.*?)</\\1>`, 's').exec(page)?.[2] ?? '').join(' ');
  return { tag, invalid: tag.includes('aria-invalid="true"'), described, value: /\bvalue="([^"]*)"/.exec(tag)?.[1] };
}

/** The summary at the top: its links' targets, in order. */
const summaryLinks = (page: string) => [.../<div class="error" role="alert">(.*?)<\/div>/s.exec(page)?.[1]?.matchAll(/href="#([^"]+)"/g) ?? []].map((m) => m[1]);

describe('officer forms keep what was typed, each error beside its field', () => {
  it('apply: a refused application keeps the typed values (never the PIN) and ties each error to its field', async () => {
    const officer = await signInOfficer(server, AMINAH.nric);
    // "Hantar kod" after typing the PIN: the code is sent and the page says the PIN must be typed again.
    const typedFirst = await officer.post('/portal/apply/code', { system: 'speks', pin: '583927', pinConfirm: '583927', officeAddress: 'Aras 3' });
    expect(typedFirst.status).toBe(200);
    expect(typedFirst.text).toContain('Kod keselamatan telah dihantar ke e-mel anda.');
    expect(typedFirst.text).toContain('PIN yang anda taip tidak dipaparkan semula');
    expect(fieldOf(typedFirst.text, 'f-officeAddress')).toMatchObject({ value: 'Aras 3' });
    expect(typedFirst.text).not.toContain('583927');
    const codePage = await officer.post('/portal/apply/code', {});
    expect(codePage.status, codePage.text).toBe(200);
    // Nothing typed yet: nothing to retype.
    expect(codePage.text).not.toContain('PIN yang anda taip tidak dipaparkan semula');
    const challengeId = hiddenField(codePage.text, 'challengeId');
    const code = await latestCode(server, AMINAH.nric);
    const form = { challengeId, system: 'speks', pin: '583927', pinConfirm: '583927', officeAddress: 'Aras 3, Kompleks JANM, 62592 Putrajaya', phone: '12ab', code, declaration: 'yes' };

    const badPhone = await officer.post('/portal/apply', form);
    expect(badPhone.status).toBe(400);
    // Issue 23 item 7: the PIN is not echoed, and the page says so instead of emptying it silently.
    expect(badPhone.text).toContain('PIN yang anda taip tidak dipaparkan semula');
    expect(badPhone.text).not.toContain('583927');
    const phone = fieldOf(badPhone.text, 'f-phone');
    expect(phone).toMatchObject({ invalid: true, described: 'No. telefon bimbit tidak sah (9 hingga 15 digit).', value: '12ab' });
    expect(fieldOf(badPhone.text, 'f-officeAddress')).toMatchObject({ invalid: false, value: form.officeAddress });
    expect(fieldOf(badPhone.text, 'f-code').value).toBe(code);
    expect(badPhone.text).toMatch(/<option value="speks" selected>/);
    expect(badPhone.text).toMatch(/id="f-declaration"[^>]*checked/s);
    expect(summaryLinks(badPhone.text)).toEqual(['f-phone']);
    expect(fieldOf(badPhone.text, 'f-pin').value).toBe('');
    expect(badPhone.text).not.toContain('583927');

    // The PIN rules: the mismatch is the confirmation's error, the rest the PIN's; neither PIN comes back.
    const badPin = await officer.post('/portal/apply', { ...form, phone: '+60 12-345 6700', pin: '147258', pinConfirm: '147259' });
    expect(badPin.status).toBe(400);
    const pin = fieldOf(badPin.text, 'f-pin');
    expect(pin.invalid).toBe(true);
    expect(pin.described).toContain('PIN ini terlalu biasa');
    expect(pin.described).not.toContain('Kedua-dua PIN tidak sama');
    expect(fieldOf(badPin.text, 'f-pinConfirm')).toMatchObject({ invalid: true, described: 'Kedua-dua PIN tidak sama.' });
    expect(badPin.text).not.toContain('147258');
    expect(badPin.text).not.toContain('147259');
    expect(fieldOf(badPin.text, 'f-phone')).toMatchObject({ invalid: false, value: '+60 12-345 6700' });
    expect(summaryLinks(badPin.text)).toEqual(expect.arrayContaining(['f-pin', 'f-pinConfirm']));

    const noDeclaration = await officer.post('/portal/apply', { ...form, phone: '+60 12-345 6700', declaration: '' });
    expect(noDeclaration.status).toBe(400);
    expect(noDeclaration.text).toMatch(/id="f-declaration"[^>]*aria-describedby="f-declaration-error" aria-invalid="true"/s);
    expect(noDeclaration.text).toContain('<small id="f-declaration-error" class="field-error">Sila tandakan perakuan.</small>');

    // A wrong code is the code's error, and the wrong code is not shown again.
    const wrongCode = await officer.post('/portal/apply', { ...form, phone: '+60 12-345 6700', code: code === '000000' ? '000001' : '000000' });
    expect(wrongCode.status).toBe(400);
    const codeField = fieldOf(wrongCode.text, 'f-code');
    expect(codeField.invalid).toBe(true);
    expect(codeField.described).toContain('Kod');
    expect(codeField.value).toBe('');
    expect(summaryLinks(wrongCode.text)).toEqual(['f-code']);
    // Nothing was applied for.
    expect(await server.services.db.get('select count(*) as n from applications where nric = ? and status = ?', AMINAH.nric, 'pending')).toEqual({ n: 0 });
  });

  it('PIN change and reset: each error beside its field, no PIN echoed, the reset code kept when it was not the problem', async () => {
    const officer = await signInOfficer(server, AMINAH.nric);
    const wrongOld = await officer.post('/portal/pin/change', { oldPin: '000001', pin: '583927', pinConfirm: '583927' });
    expect(wrongOld.status).toBe(400);
    const old = fieldOf(wrongOld.text, 'f-oldPin');
    expect(old.invalid).toBe(true);
    expect(old.described).toContain('PIN tidak sah');
    expect(old.value).toBe('');
    expect(fieldOf(wrongOld.text, 'f-pin').invalid).toBe(false);
    expect(wrongOld.text).not.toContain('000001');
    expect(wrongOld.text).not.toContain('583927');
    expect(summaryLinks(wrongOld.text)).toEqual(['f-oldPin']);

    const weak = await officer.post('/portal/pin/change', { oldPin: AMINAH.pin, pin: '111111', pinConfirm: '111111' });
    expect(weak.status).toBe(400);
    expect(fieldOf(weak.text, 'f-pin')).toMatchObject({ invalid: true });
    expect(fieldOf(weak.text, 'f-pin').described).toContain('satu digit berulang');
    expect(fieldOf(weak.text, 'f-pinConfirm').invalid).toBe(false);
    expect(fieldOf(weak.text, 'f-oldPin').invalid).toBe(false);

    const codePage = await officer.post('/portal/pin/reset/code', {});
    const challengeId = hiddenField(codePage.text, 'challengeId');
    const code = await latestCode(server, AMINAH.nric);
    const mismatch = await officer.post('/portal/pin/reset', { challengeId, code, pin: '274619', pinConfirm: '274618' });
    expect(mismatch.status).toBe(400);
    expect(fieldOf(mismatch.text, 'f-pinConfirm')).toMatchObject({ invalid: true, described: 'Kedua-dua PIN tidak sama.' });
    expect(fieldOf(mismatch.text, 'f-code')).toMatchObject({ invalid: false, value: code });
    expect(mismatch.text).not.toContain('274619');
    expect(mismatch.text).not.toContain('274618');
    expect(hiddenField(mismatch.text, 'challengeId')).toBe(challengeId);
  });

  it('profile: a refused update keeps every typed value, the error beside its field', async () => {
    const officer = await signInOfficer(server, AMINAH.nric);
    const typed = { email: 'aminah.baru@anm', phone: '+60 19-876 5432', officeAddress: 'Aras 5, Menara Kewangan, 62592 Putrajaya' };
    const res = await officer.post('/portal/profile', typed);
    expect(res.status).toBe(400);
    expect(fieldOf(res.text, 'f-email')).toMatchObject({ invalid: true, value: typed.email });
    // The hint stays described too: the error is added beside it.
    expect(fieldOf(res.text, 'f-email').described).toContain('Alamat e-mel tidak sah.');
    expect(fieldOf(res.text, 'f-phone')).toMatchObject({ invalid: false, value: typed.phone });
    expect(fieldOf(res.text, 'f-officeAddress')).toMatchObject({ invalid: false, value: typed.officeAddress });
    expect(summaryLinks(res.text)).toEqual(['f-email']);
    // Nothing changed.
    expect(await server.services.db.get('select phone from officers where nric = ?', AMINAH.nric)).not.toEqual({ phone: '+60198765432' });

    const shortAddress = await officer.post('/portal/profile', { ...typed, email: '', officeAddress: 'Putrajaya' });
    expect(fieldOf(shortAddress.text, 'f-officeAddress')).toMatchObject({ invalid: true, described: 'Alamat pejabat mesti antara 10 dan 500 aksara.', value: 'Putrajaya' });
  });
});
