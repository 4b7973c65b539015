import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, makeDocument } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { Browser, hiddenField, latestCode, latestVerificationToken, signInNewAdmin, signInOfficer } from './browser.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const SITI = { nric: '920315105432', name: 'Siti Nurhaliza binti Ahmad', email: 'siti@anm.gov.my', pin: '583927' };

describe('enrolment from registration to first signature', () => {
  it('admin registers -> officer verifies -> signs in -> applies -> admin approves -> roaming signing works', async () => {
    const { browser: admin } = await signInNewAdmin(server, 'sap', '1009');
    const registered = await admin.post('/portal/admin/officers', {
      nric: '920315-10-5432',
      name: SITI.name,
      email: SITI.email,
      agency: '1009',
      accountingOffice: 'JANM Perlis',
      system: 'igfmas',
      phone: '',
    });
    expect(registered.status, registered.text).toBe(303);
    expect(registered.location).toContain('ok=registered');
    const before = await call(server, 'GET', `/api/v1/users/${SITI.nric}/medium`);
    expect(before.body).toMatchObject({ media: ['roaming'], preferred: 'token' });

    // Before verifying, sign-in sends no code.
    const early = await new Browser(server).post('/portal/sign-in', { nric: SITI.nric }, { csrf: null });
    expect(early.status).toBe(200);
    expect((await server.services.outbox.list(SITI.nric)).some((m) => m.otp)).toBe(false);

    const verified = await new Browser(server).get(`/portal/verify?token=${await latestVerificationToken(server, SITI.email)}`);
    expect(verified.status).toBe(200);
    expect(verified.text).toContain('telah disahkan');

    const officer = await signInOfficer(server, SITI.nric);
    const home = await officer.get('/portal');
    expect(home.text).toContain(SITI.name);
    expect(home.text).toContain('Tiada permohonan');

    const codePage = await officer.post('/portal/apply/code', {});
    expect(codePage.status).toBe(200);
    const applied = await officer.post('/portal/apply', {
      challengeId: hiddenField(codePage.text, 'challengeId'),
      system: 'igfmas',
      pin: SITI.pin,
      pinConfirm: SITI.pin,
      officeAddress: 'Aras 2, Wisma Persekutuan, 01000 Kangar, Perlis',
      phone: '+60 12-345 6799',
      code: await latestCode(server, SITI.nric),
      declaration: 'yes',
    });
    expect(applied.status, applied.text).toBe(303);
    expect((await officer.get('/portal')).text).toContain('data-status="pending"');

    const dashboard = await admin.get('/portal/admin');
    const appId = /data-application="([^"]+)"/.exec(dashboard.text)?.[1];
    expect(appId).toBeTruthy();
    expect(dashboard.text).not.toContain(SITI.pin);
    const approved = await admin.post(`/portal/admin/applications/${appId}/approve`, {});
    expect(approved.status, approved.text).toBe(303);
    expect((await server.services.outbox.list(SITI.email))[0]?.subject).toContain('Sijil telah dikeluarkan');
    expect((await officer.get('/portal')).text).toContain('data-status="approved"');

    const medium = await call(server, 'GET', `/api/v1/users/${SITI.nric}/medium`);
    expect(medium.body).toEqual({ nric: SITI.nric, media: ['roaming'], preferred: 'roaming' });

    const created = await call(server, 'POST', '/api/v1/signing-requests', { nric: SITI.nric, system: 'igfmas', documents: [makeDocument('STH-2026-000777')] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const otp = (await server.services.outbox.list(SITI.nric)).find((m) => m.requestId === created.body.id)?.otp;
    const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: SITI.pin, otp });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.status).toBe('signed');

    const history = await officer.get('/portal/history');
    expect(history.text).toContain('STH-2026-000777');
    expect(history.text).toContain(`data-request="${created.body.id}"`);
  });
});
