import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdmin, startAdminSignIn } from '../../../server/portal/adminPortal.js';
import { startOfficerSignIn } from '../../../server/portal/officerPortal.js';
import { AMINAH } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const sent = async () => (await server.services.outbox.list(AMINAH.nric, 100)).length;

describe('portal throttling', () => {
  it('at most 5 sign-in codes an hour are e-mailed to an officer', async () => {
    for (let i = 0; i < 5; i++) await startOfficerSignIn(server.services, AMINAH.nric);
    expect(await sent()).toBe(5);
    await expect(startOfficerSignIn(server.services, AMINAH.nric)).rejects.toMatchObject({ code: 'rate_limited' });
    expect(await sent()).toBe(5);
    server.clock.advance(60 * 60 * 1000 + 1);
    await startOfficerSignIn(server.services, AMINAH.nric);
    expect(await sent()).toBe(6);
  });

  it('5 wrong administrator passwords in 15 minutes hold the account, even against the right one', async () => {
    const { password } = await createAdmin(server.services, { nric: '800101015555', name: 'Pentadbir', email: 'pentadbir@anm.gov.my', role: 'admin', agencyCode: null, password: 'Betul-Kata-Laluan-2026' }, 'test');
    for (let i = 0; i < 5; i++) {
      await expect(startAdminSignIn(server.services, '800101015555', 'salah')).rejects.toMatchObject({ code: 'unauthorized' });
    }
    await expect(startAdminSignIn(server.services, '800101015555', password)).rejects.toMatchObject({ code: 'rate_limited' });
    server.clock.advance(15 * 60 * 1000 + 1);
    await expect(startAdminSignIn(server.services, '800101015555', password)).resolves.toMatchObject({ challengeId: expect.stringMatching(/^ch_/) });
  });
});
