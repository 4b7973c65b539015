import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdmin } from '../../../server/portal/adminPortal.js';
import { sendPasswordLink } from '../../../server/portal/adminAccounts.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { Browser, hiddenField, latestCode, signInNewAdmin } from './browser.js';

// Issue 13, administrator accounts, at the edges: a password someone else saw, an intercepted
// link and a hijacked session must all stop working, and the pages that matter wait for the change.

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const PASSWORD = 'correct horse battery staple';

async function signIn(nric: string, password: string): Promise<Browser> {
  const browser = new Browser(server);
  const step1 = await browser.post('/portal/admin/sign-in', { nric, password }, { csrf: null });
  expect(step1.status, step1.text).toBe(200);
  const done = await browser.post('/portal/admin/sign-in/code', { challengeId: hiddenField(step1.text, 'challengeId'), code: await latestCode(server, nric) }, { csrf: null });
  expect(done.status).toBe(303);
  return browser;
}

const linkTokens = async (email: string) =>
  (await server.services.outbox.list(email)).map((m) => /\/portal\/admin\/password\/set\?token=([A-Za-z0-9_-]+)/.exec(m.text)?.[1]).filter((t): t is string => !!t);

describe('administrator accounts at the edges', () => {
  it('a printed password must be changed before the clients pages too; signing out still works', async () => {
    await createAdmin(server.services, { nric: '700101017777', name: 'Pentadbir Baharu', email: 'baharu@anm.gov.my', role: 'admin', agencyCode: null, password: PASSWORD, mustChangePassword: true }, 'test');
    const browser = await signIn('700101017777', PASSWORD);
    await browser.get('/portal/admin/password');
    const page = await browser.get('/portal/admin/clients');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/portal/admin/password');
    const before = Number((await server.services.db.get<{ n: number }>('select count(*) as n from clients'))!.n);
    expect((await browser.post('/portal/admin/clients', { system: 'igfmas', 'scope-signing': '1' })).status).toBe(403);
    expect(Number((await server.services.db.get<{ n: number }>('select count(*) as n from clients'))!.n)).toBe(before);
    const out = await browser.post('/portal/admin/sign-out', {});
    expect(out.status).toBe(303);
    expect(out.location).toBe('/portal/admin/sign-in?ok=signed_out');
  });

  it('a reset kills the earlier link and every session of the account', async () => {
    const { id } = await createAdmin(server.services, { nric: '700101018888', name: 'SAP Dua', email: 'sap.dua@anm.gov.my', role: 'sap', agencyCode: '1009', password: PASSWORD }, 'test');
    const session = await signIn('700101018888', PASSWORD);
    expect((await session.get('/portal/admin')).status).toBe(200);
    await sendPasswordLink(server.services, id, 'test', 'new');
    const [first] = await linkTokens('sap.dua@anm.gov.my');
    await sendPasswordLink(server.services, id, 'test', 'reset');
    const [second] = await linkTokens('sap.dua@anm.gov.my');
    expect(second).not.toBe(first);
    // The session opened with the old password is over.
    const after = await session.get('/portal/admin');
    expect(after.status).toBe(303);
    expect(after.location).toMatch(/^\/portal\/admin\/sign-in/);
    // The earlier (perhaps intercepted) link sets nothing; the newest one does.
    const stale = await new Browser(server).post('/portal/admin/password/set', { token: first!, password: 'kata laluan penyerang', confirm: 'kata laluan penyerang' }, { csrf: null });
    expect(stale.status).toBe(400);
    const set = await new Browser(server).post('/portal/admin/password/set', { token: second!, password: 'kata laluan pemilik', confirm: 'kata laluan pemilik' }, { csrf: null });
    expect(set.status).toBe(303);
    expect((await new Browser(server).post('/portal/admin/sign-in', { nric: '700101018888', password: 'kata laluan penyerang' }, { csrf: null })).status).toBe(401);
  });

  it('changing the own password ends the other sessions, keeps this one, and cannot be guessed at will', async () => {
    const { browser: here, nric } = await signInNewAdmin(server, 'sap', '1009');
    const elsewhere = await signIn(nric, PASSWORD);
    const ok = await here.post('/portal/admin/password', { current: PASSWORD, password: 'kata laluan baharu', confirm: 'kata laluan baharu' });
    expect(ok.status).toBe(303);
    expect((await here.get('/portal/admin')).status).toBe(200);
    expect((await elsewhere.get('/portal/admin')).status).toBe(303);
    // A hijacked session guessing the current password meets the sign-in budget: 5 wrong, then 429.
    const wrong = () => here.post('/portal/admin/password', { current: 'salah salah salah', password: 'kata laluan lain', confirm: 'kata laluan lain' });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await wrong()).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });
});
