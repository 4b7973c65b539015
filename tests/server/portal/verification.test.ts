import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { CLI_ACTOR, registerOfficer } from '../../../server/portal/adminPortal.js';
import { verifyEmail } from '../../../server/portal/verification.js';
import { Browser, latestCode, latestVerificationToken, signInOfficer } from './browser.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let n = 0;

async function register(): Promise<{ nric: string; email: string }> {
  n++;
  const nric = `85060${n}085${String(100 + n).slice(-3)}`.slice(0, 12);
  const email = `pegawai${n}@anm.gov.my`;
  const outcome = await registerOfficer(server.services, CLI_ACTOR, { nric, name: `Pegawai ${n}`, email, agencyCode: '1009', accountingOffice: 'JANM Perlis', system: 'speks' });
  expect(outcome.status).toBe('created');
  return { nric, email };
}

const verifiedAt = async (nric: string) => ((await server.services.db.get('select email_verified_at as v from officers where nric = ?', nric)) as { v: number | null }).v;

describe('e-mail verification links', () => {
  it('are valid at 23:59 after sending', async () => {
    const { nric, email } = await register();
    const token = await latestVerificationToken(server, email);
    server.clock.advance(23 * HOUR + 59 * MINUTE);
    const res = await new Browser(server).get(`/portal/verify?token=${token}`);
    expect(res.status).toBe(200);
    expect(await verifiedAt(nric)).toBe(server.clock.now);
  });

  it('are refused at 24:01 after sending, and nothing is verified', async () => {
    const { nric, email } = await register();
    const token = await latestVerificationToken(server, email);
    server.clock.advance(24 * HOUR + MINUTE);
    const res = await new Browser(server).get(`/portal/verify?token=${token}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('tamat tempoh (24 jam)');
    expect(await verifiedAt(nric)).toBeNull();
  });

  it('work once only', async () => {
    const { email } = await register();
    const token = await latestVerificationToken(server, email);
    expect((await new Browser(server).get(`/portal/verify?token=${token}`)).status).toBe(200);
    const again = await new Browser(server).get(`/portal/verify?token=${token}&lang=en`);
    expect(again.status).toBe(400);
    expect(again.text).toContain('already been used');
    await expect(verifyEmail(server.services, token)).rejects.toThrow();
  });

  it('an unknown token is 404 and a re-sent link replaces the older one', async () => {
    expect((await new Browser(server).get('/portal/verify?token=nope')).status).toBe(404);
    const { nric, email } = await register();
    const first = await latestVerificationToken(server, email);
    await registerOfficer(server.services, CLI_ACTOR, { nric, name: 'Pegawai semula', email, agencyCode: '1009', accountingOffice: '', system: 'speks' });
    const second = await latestVerificationToken(server, email);
    expect(second).not.toBe(first);
    expect((await new Browser(server).get(`/portal/verify?token=${first}`)).status).toBe(400);
    expect((await new Browser(server).get(`/portal/verify?token=${second}`)).status).toBe(200);
  });

  it('a changed e-mail receives no code until verified; the old address keeps them', async () => {
    const officer = await signInOfficer(server, AMINAH.nric);
    const changed = await officer.post('/portal/profile', { email: 'aminah.baru@anm.gov.my', phone: '', officeAddress: '' });
    expect(changed.status, changed.text).toBe(303);
    expect(changed.location).toContain('ok=email_pending');
    const home = await officer.get('/portal');
    expect(home.text).toContain('aminah.baru@anm.gov.my (Menunggu pengesahan)');

    await new Browser(server).post('/portal/sign-in', { nric: AMINAH.nric }, { csrf: null });
    const newest = (await server.services.outbox.list(AMINAH.nric)).find((m) => m.otp)!;
    expect(newest.to).toBe(AMINAH.email);

    const token = await latestVerificationToken(server, 'aminah.baru@anm.gov.my');
    expect((await new Browser(server).get(`/portal/verify?token=${token}`)).status).toBe(200);
    await new Browser(server).post('/portal/sign-in', { nric: AMINAH.nric }, { csrf: null });
    expect((await server.services.outbox.list(AMINAH.nric)).find((m) => m.otp)!.to).toBe('aminah.baru@anm.gov.my');
    expect(await latestCode(server, 'aminah.baru@anm.gov.my')).toMatch(/^\d{6}$/);
  });
});
