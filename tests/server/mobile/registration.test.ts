import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AMINAH, RAJESH, WEIMING, call } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { normalisePhone } from '../../../server/mobile/devices.js';
import { AMINAH_PHONE, auditActions, counts, openEvents, registerDevice, registrationCode } from './helpers.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const start = (body: Record<string, unknown>) =>
  call(server, 'POST', '/api/v1/mobile/registrations', { nric: AMINAH.nric, phone: AMINAH_PHONE, platform: 'android', label: 'Samsung A54', ...body });

async function activeDevices(nric: string) {
  return (await server.services.db.all("select id, platform from devices where nric = ? and status = 'active'", nric)) as { id: string; platform: string }[];
}

describe('phone numbers', () => {
  it('normalises the forms people type to the national form', () => {
    for (const form of ['+60123456701', '+60 12-345 6701', '60123456701', '012-345 6701', '0123456701', '(012) 345-6701']) {
      expect(normalisePhone(form), form).toBe('0123456701');
    }
    expect(normalisePhone('012345670x')).toBe('');
  });
});

describe('device registration', () => {
  it('needs the phone number on the profile: a wrong one is refused and nothing is stored', async () => {
    const before = await counts(server);
    const refused = await start({ phone: '+60199999999' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    // Another officer's phone does not work either.
    expect((await start({ phone: '+60123456702' })).status).toBe(403);
    expect(await counts(server)).toEqual(before);
    expect(await auditActions(server)).not.toContain('device.registration_started');
  });

  it('refuses an unknown officer', async () => {
    const res = await start({ nric: '010101010101' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('user_not_found');
  });

  it('accepts the profile phone typed with spaces, dashes or +60 and e-mails a code in Bahasa Malaysia', async () => {
    const res = await start({ phone: '012-345 6701' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ destination: 'a***@anm.gov.my' });
    expect(res.body.challengeId).toMatch(/^ch_/);
    const mail = (await call(server, 'GET', `/api/v1/dev/outbox?to=${AMINAH.email}`)).body[0];
    expect(mail).toMatchObject({ channel: 'email', to: AMINAH.email });
    expect(mail.subject).toBe('Kod pendaftaran peranti GPKI Mobile');
    expect(mail.text).toContain(`Kod keselamatan: ${mail.otp}`);
    expect(mail.text).toContain('Samsung A54');
    expect(mail.otp).toMatch(/^\d{6}$/);
    // Nothing is active until the code comes back.
    expect(await activeDevices(AMINAH.nric)).toHaveLength(0);
    expect((await start({ phone: '+60 12-345 6701' })).status).toBe(201);
  });

  it('the e-mailed code confirms: an active device with a bearer secret stored only as its hash', async () => {
    const started = await start({});
    const code = await registrationCode(server);
    const wrong = await call(server, 'POST', `/api/v1/mobile/registrations/${started.body.challengeId}/confirm`, { code: code === '000000' ? '000001' : '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'otp_invalid', details: { attemptsLeft: 2 } });

    const done = await call(server, 'POST', `/api/v1/mobile/registrations/${started.body.challengeId}/confirm`, { code });
    expect(done.status).toBe(201);
    expect(done.body.deviceId).toMatch(/^dev_/);
    expect(done.body.secret).toMatch(/^rsd_[A-Za-z0-9_-]{43}$/);
    const row = (await server.services.db.get('select * from devices where id = ?', done.body.deviceId)) as Record<string, unknown>;
    expect(row).toMatchObject({ nric: AMINAH.nric, platform: 'android', label: 'Samsung A54', status: 'active' });
    expect(JSON.stringify(row)).not.toContain(done.body.secret);

    // Single use.
    const again = await call(server, 'POST', `/api/v1/mobile/registrations/${started.body.challengeId}/confirm`, { code });
    expect(again.status).toBe(404);

    const me = await call(server, 'GET', '/api/v1/mobile/device', undefined, { Authorization: `Bearer ${done.body.secret}` });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ deviceId: done.body.deviceId, destination: 'GPKI Mobile (Samsung A54, Android ••• 6701)', officer: { nric: AMINAH.nric } });
    expect(await server.services.pushHub.activeDevice(AMINAH.nric)).toEqual({ destination: 'GPKI Mobile (Samsung A54, Android ••• 6701)' });
    expect(await auditActions(server)).toEqual(expect.arrayContaining(['device.registration_started', 'device.registered']));
  });

  it('a code expires after 10 minutes', async () => {
    const started = await start({});
    const code = await registrationCode(server);
    server.clock.advance(10 * 60 * 1000 + 1);
    const res = await call(server, 'POST', `/api/v1/mobile/registrations/${started.body.challengeId}/confirm`, { code });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('otp_expired');
    expect(await activeDevices(AMINAH.nric)).toHaveLength(0);
  });

  it('limits registration e-mails per officer per hour', async () => {
    for (let i = 0; i < 5; i++) expect((await start({})).status).toBe(201);
    const sixth = await start({});
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('rate_limited');
    server.clock.advance(60 * 60 * 1000 + 1);
    expect((await start({})).status).toBe(201);
  });

  it('one active device: a second registration deactivates the first, which is told so and locked out', async () => {
    const first = await registerDevice(server, { platform: 'android' });
    const stream = await openEvents(server, first.secret);
    expect(stream.status).toBe(200);
    expect((await stream.next('ready')).data).toMatchObject({ deviceId: first.deviceId });

    // Lost phone / switch to iOS: register again with MyKad + profile phone.
    const second = await registerDevice(server, { platform: 'ios', label: 'iPhone baharu' });
    expect((await stream.next('deactivated')).data).toEqual({ reason: 'replaced' });
    await stream.ended; // the server closed the old device's stream

    expect(await activeDevices(AMINAH.nric)).toEqual([{ id: second.deviceId, platform: 'ios' }]);
    expect(await server.services.pushHub.activeDevice(AMINAH.nric)).toEqual({ destination: 'GPKI Mobile (iPhone baharu, iOS ••• 6701)' });
    expect((await call(server, 'GET', '/api/v1/mobile/device', undefined, { Authorization: `Bearer ${first.secret}` })).status).toBe(401);
    const reopened = await server.app.request(`/api/v1/mobile/events?token=${first.secret}`);
    expect(reopened.status).toBe(401);
    expect(await auditActions(server)).toContain('device.deactivated');
    // Another officer's device is untouched by Aminah's registrations.
    await registerDevice(server, { nric: WEIMING.nric, phone: '0123456702' });
    expect(await activeDevices(AMINAH.nric)).toHaveLength(1);
    expect(await activeDevices(WEIMING.nric)).toHaveLength(1);
  });

  it('"Buang akaun dari peranti ini" deactivates the device: OTPs go by e-mail again', async () => {
    const device = await registerDevice(server);
    const stream = await openEvents(server, device.secret, 'query');
    await stream.next('ready');
    const removed = await call(server, 'DELETE', '/api/v1/mobile/device', undefined, { Authorization: `Bearer ${device.secret}` });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ deviceId: device.deviceId });
    expect((await stream.next('deactivated')).data).toEqual({ reason: 'removed' });
    await stream.ended;
    expect(await activeDevices(AMINAH.nric)).toHaveLength(0);
    expect(await server.services.pushHub.activeDevice(AMINAH.nric)).toBeNull();
    expect((await call(server, 'DELETE', '/api/v1/mobile/device', undefined, { Authorization: `Bearer ${device.secret}` })).status).toBe(401);
    expect(await auditActions(server)).toContain('device.removed');
  });

  it('an officer without a phone on the profile cannot register', async () => {
    (await server.services.db.run('update officers set phone = null where nric = ?', RAJESH.nric));
    const res = await start({ nric: RAJESH.nric, phone: '+60123456703' });
    expect(res.status).toBe(403);
  });
});
