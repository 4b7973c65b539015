import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedScale } from '../../server/ops/seedScale.js';
import { createAdmin, CLI_ACTOR, registerOfficer } from '../../server/portal/adminPortal.js';
import { applyForCertificate, startApplicationCheck } from '../../server/portal/officerPortal.js';
import { verifyEmail } from '../../server/portal/verification.js';
import { artifactPath, launchChromium } from './browser.js';
import { startLiveServer, type LiveServer } from './liveServer.js';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ADMIN = { nric: '800101015555', password: 'kata laluan pentadbir e2e', email: 'pentadbir@anm.gov.my' };
const AMINAH = '900101011234';
const WEIMING = '880202025678';

let server: LiveServer;
let browser: Browser;
let admin: Page;
let applicationId: string;

const text = (page: Page, selector: string) => page.$eval(selector, (el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
const liveCertificates = async (nric: string) => Number((await server.services.db.get<{ n: number }>('select count(*) as n from certificates where nric = ? and revoked_at is null', nric))!.n);

async function codeFor(to: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const code = (await server.services.outbox.list(to)).find((m) => m.otp)?.otp;
    if (code) return code;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code for ${to}`);
}

async function click(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

/** axe-core on the page as it is: no serious or critical issue; and a full-page screenshot kept. */
async function audit(page: Page, name: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  await page.screenshot({ path: artifactPath(`pages-${name}.png`), fullPage: true });
  expect(violations, name).toEqual([]);
}

/** What sticks out of its card (a table, list or form wider than its section), or a page that scrolls sideways. */
function spills(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`the page is ${document.documentElement.scrollWidth}px wide`);
    for (const section of document.querySelectorAll('main section')) {
      const edge = section.getBoundingClientRect().right;
      for (const el of section.querySelectorAll('table, dl, form, pre, ul')) {
        if (el.getBoundingClientRect().right > edge + 1) out.push(`${section.querySelector('h2')?.textContent ?? 'a section'}: ${el.tagName.toLowerCase()}`);
      }
    }
    return out;
  });
}

beforeAll(async () => {
  server = await startLiveServer();
  const s = server.services;
  await seedScale(s.db, { officers: 130, signatures: 0, agencies: 3 });
  await createAdmin(s, { nric: ADMIN.nric, name: 'Pentadbir GPKI', email: ADMIN.email, role: 'admin', agencyCode: null, password: ADMIN.password }, 'cli');
  // An officer with a pending application, to approve from its own page.
  await registerOfficer(s, CLI_ACTOR, { nric: '860606065050', name: 'Mei Ling', email: 'mei@anm.gov.my', agencyCode: '1009', accountingOffice: 'JANM Perlis', system: 'eperolehan' });
  const token = /token=([\w-]+)/.exec((await s.outbox.list('mei@anm.gov.my'))[0]!.text)![1]!;
  await verifyEmail(s, token);
  const { challengeId } = await startApplicationCheck(s, '860606065050');
  applicationId = (await applyForCertificate(s, '860606065050', { system: 'eperolehan', pin: '583927', pinConfirm: '583927', officeAddress: 'Jalan Sultan Salahuddin, 50582 Kuala Lumpur', phone: '0123456789', challengeId, code: await codeFor('860606065050'), declaration: true })).id;
  browser = await launchChromium();
  admin = await (await browser.createBrowserContext()).newPage();
  await admin.setBypassCSP(true);
  await admin.setViewport({ width: 1280, height: 900 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the administrator console in Chromium', () => {
  it('signs in, and every console page passes axe-core (screenshots kept)', async () => {
    await admin.goto(`${server.url}/portal/admin/sign-in`);
    await audit(admin, 'admin-sign-in');
    await admin.type('#f-nric', ADMIN.nric);
    await admin.type('#f-password', ADMIN.password);
    await click(admin, 'button[type="submit"]');
    await audit(admin, 'admin-sign-in-code');
    await admin.type('#f-code', await codeFor(ADMIN.nric));
    await click(admin, 'button[type="submit"]');
    expect(new URL(admin.url()).pathname).toBe('/portal/admin');
    for (const [name, path] of [
      ['admin-dashboard', '/portal/admin'],
      ['admin-officers', '/portal/admin/officers'],
      ['admin-officer-detail', `/portal/admin/officers/${AMINAH}`],
      ['admin-application', `/portal/admin/applications/${applicationId}`],
      ['admin-imports', '/portal/admin/imports'],
      ['admin-import', '/portal/admin/import'],
      ['admin-audit', '/portal/admin/audit'],
      ['admin-password', '/portal/admin/password'],
    ]) {
      await admin.goto(`${server.url}${path}`);
      await audit(admin, name!);
      // Issue 23 item 8: at the laptop sizes officers use, nothing spills out of its card or makes
      // the page scroll sideways (a screenshot of each kept).
      for (const [width, height] of [[1366, 768], [1024, 768]] as const) {
        await admin.setViewport({ width, height });
        expect(await spills(admin), `${name} at ${width}x${height}`).toEqual([]);
        await admin.screenshot({ path: artifactPath(`pages-${name}-${width}x${height}.png`), fullPage: true });
      }
      await admin.setViewport({ width: 1280, height: 900 });
      expect(await spills(admin), `${name} at 1280x900`).toEqual([]);
    }
  }, 180_000);

  it('searches with the filter form, pages on, and exports CSV', async () => {
    await admin.goto(`${server.url}/portal/admin/officers`);
    await admin.type('#f-q', 'Pegawai Skala 12');
    await admin.select('#f-sort', 'nric');
    await click(admin, 'form[role="search"] button[type="submit"]');
    const rows = await admin.$$eval('tr[data-officer]', (trs) => trs.map((tr) => tr.getAttribute('data-officer')));
    expect(rows).toEqual(['700000000012', '700000000120', '700000000121', '700000000122', '700000000123', '700000000124', '700000000125', '700000000126', '700000000127', '700000000128', '700000000129']);
    await admin.goto(`${server.url}/portal/admin/officers?sort=email`);
    await click(admin, 'a[rel="next"]');
    expect(await text(admin, 'caption')).toMatch(/Halaman 2 daripada \d/);
    const href = await admin.$eval('#export-csv', (a) => (a as HTMLAnchorElement).href);
    const csv = await admin.evaluate(async (url) => (await fetch(url)).text(), href);
    expect(csv.split('\r\n')[0]).toContain('nric,name,email');
    expect(csv.trim().split('\r\n').length).toBeGreaterThan(50);
  });

  it('revoke: the confirmation names the officer and the consequence; cancel changes nothing, confirm revokes', async () => {
    await admin.goto(`${server.url}/portal/admin/officers/${WEIMING}`);
    await admin.select('#f-revoke-reason', 'keyCompromise');
    await click(admin, '#action-revoke');
    expect(await text(admin, '#confirm')).toContain(`Tan Wei Ming (${WEIMING})`);
    expect(await text(admin, '#confirm-consequence')).toContain('Kunci terjejas');
    await audit(admin, 'admin-confirm-revoke');
    await click(admin, '#confirm-cancel');
    expect(new URL(admin.url()).pathname).toBe(`/portal/admin/officers/${WEIMING}`);
    expect(await liveCertificates(WEIMING)).toBeGreaterThan(0);
    await click(admin, '#action-revoke');
    await click(admin, '#confirm-yes');
    expect(admin.url()).toContain('ok=revoked');
    expect(await liveCertificates(WEIMING)).toBe(0);
    expect(await admin.$('#action-revoke')).toBeNull();
  });

  it('movement and reactivation: cancel leaves the officer as they were; confirm acts', async () => {
    await admin.goto(`${server.url}/portal/admin/officers/700000000050`);
    await click(admin, '#action-reactivate');
    expect(await text(admin, '#confirm')).toContain('Pegawai Skala 50 (700000000050)');
    await click(admin, '#confirm-cancel');
    expect(await admin.$eval('#officer', (el) => el.getAttribute('data-status'))).toBe('suspended');
    await click(admin, '#action-reactivate');
    await click(admin, '#confirm-yes');
    expect(await admin.$eval('#officer', (el) => el.getAttribute('data-status'))).toBe('active');

    await admin.click('details summary');
    await admin.select('#f-kind', 'retirement');
    await admin.$eval('#f-effective', (el) => ((el as HTMLInputElement).value = '2000-01-03'));
    await click(admin, '#action-movement');
    expect(await text(admin, '#confirm')).toContain('persaraan');
    await click(admin, '#confirm-cancel');
    expect(await admin.$eval('#officer', (el) => el.getAttribute('data-status'))).toBe('active');
    await admin.click('details summary');
    await admin.select('#f-kind', 'retirement');
    await admin.$eval('#f-effective', (el) => ((el as HTMLInputElement).value = '2000-01-03'));
    await click(admin, '#action-movement');
    await click(admin, '#confirm-yes');
    expect(await admin.$eval('#officer', (el) => el.getAttribute('data-status'))).toBe('retired');
  });

  it('re-send and unlock act where they apply', async () => {
    await server.services.db.run("update officers set pin_locked_at = ?, email_verified_at = null where nric = '700000000007'", Date.now());
    await admin.goto(`${server.url}/portal/admin/officers/700000000007`);
    await click(admin, '#action-unlock');
    expect(admin.url()).toContain('ok=unlocked');
    expect(await admin.$('#action-unlock')).toBeNull();
    const before = (await server.services.outbox.list('pegawai7@skala.gov.my')).length;
    await click(admin, '#action-resend');
    expect(admin.url()).toContain('ok=resent');
    expect((await server.services.outbox.list('pegawai7@skala.gov.my')).length).toBe(before + 1);
  });

  it('bulk unlock and bulk re-send confirm first; cancel changes nothing', async () => {
    await server.services.db.run("update officers set pin_locked_at = ? where nric in ('700000000021', '700000000022')", Date.now());
    await admin.goto(`${server.url}/portal/admin/officers?status=locked`);
    await click(admin, '#bulk-unlock button');
    expect(await text(admin, '#confirm')).toContain('2 pegawai');
    await audit(admin, 'admin-confirm-bulk');
    await click(admin, '#confirm-cancel');
    expect((await admin.$$('tr[data-officer]')).length).toBe(2);
    await click(admin, '#bulk-unlock button');
    await click(admin, '#confirm-yes');
    expect(admin.url()).toContain('ok=bulk_unlocked');
    expect(await server.services.db.get<{ n: number }>('select count(*) as n from officers where pin_locked_at is not null')).toMatchObject({ n: 0 });

    await admin.goto(`${server.url}/portal/admin/imports`);
    await click(admin, 'tr[data-batch="imp_scale_0"] button');
    expect(await text(admin, '#confirm')).toMatch(/kepada \d+ pegawai/);
    await click(admin, '#confirm-yes');
    expect(admin.url()).toContain('ok=bulk_resent');
  });

  it('approves an application from its full page', async () => {
    await admin.goto(`${server.url}/portal/admin`);
    await click(admin, `tr[data-application="${applicationId}"] a`);
    expect(await text(admin, '#application')).toContain('Jalan Sultan Salahuddin');
    await click(admin, '#approve');
    expect(admin.url()).toContain('ok=approved');
    expect(await liveCertificates('860606065050')).toBe(1);
  });

  it('filters the audit log by action and date, in words and by name', async () => {
    await admin.goto(`${server.url}/portal/admin/audit`);
    await admin.select('#f-action', 'officer.certificate_revoked');
    await click(admin, 'form[role="search"] button[type="submit"]');
    const rows = await admin.$$eval('#audit tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('Pentadbir GPKI (ADMIN)');
    expect(rows[0]).toContain('Sijil pegawai dibatalkan');
  });
});

describe('officer portal and /mobile pages pass axe-core', () => {
  it('every officer portal page, and /mobile', async () => {
    const page = await (await browser.createBrowserContext()).newPage();
    await page.setBypassCSP(true);
    await page.goto(`${server.url}/portal/sign-in`);
    await audit(page, 'portal-sign-in');
    await page.type('#f-nric', AMINAH);
    await click(page, 'button[type="submit"]');
    await audit(page, 'portal-sign-in-code');
    await page.type('#f-code', await codeFor(AMINAH));
    await click(page, 'button[type="submit"]');
    for (const [name, path] of [
      ['portal-home', '/portal'],
      ['portal-apply', '/portal/apply'],
      ['portal-pin', '/portal/pin'],
      ['portal-profile', '/portal/profile'],
      ['portal-history', '/portal/history'],
    ]) {
      await page.goto(`${server.url}${path}`);
      await audit(page, name!);
    }
    await page.goto(`${server.url}/mobile`);
    await page.waitForSelector('#register-form');
    await audit(page, 'mobile-register');
    // A phone that is not the profile's: said plainly, with where to check.
    await page.type('#nric', AMINAH);
    await page.type('#phone', '019-999 0000');
    await page.click('#register-submit');
    await page.waitForFunction(() => (document.querySelector('#notice')?.textContent ?? '').includes('tidak sepadan dengan profil'), { timeout: 10_000 });
    await audit(page, 'mobile-wrong-phone');
  }, 120_000);
});
