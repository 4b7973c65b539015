import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reactivate, suspendInactive } from '../../../server/lifecycle/inactivity.js';
import { runLifecycleJobs, startLifecycleScheduler } from '../../../server/lifecycle/scheduler.js';
import { AMINAH, createRequest, RAJESH, WEIMING } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { auditActions, auditCount, DAY_MS, officerRow, signAs, snapshot } from './helpers.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS: '0' });
});
afterEach(() => server.close());

async function setLastActivity(nric: string, at: number | null, createdAt?: number) {
  (await server.services.db.run('update officers set last_activity_at = ? where nric = ?', at, nric));
  if (createdAt !== undefined) (await server.services.db.run('update officers set created_at = ? where nric = ?', createdAt, nric));
}

describe('90-day inactivity', () => {
  it('suspends an officer idle 91 days, not one idle 89, and the suspended officer cannot sign', async () => {
    const now = server.clock.now;
    await setLastActivity(AMINAH.nric, now - 91 * DAY_MS);
    await setLastActivity(WEIMING.nric, now - 89 * DAY_MS);

    const run = await runLifecycleJobs(server.services);
    expect(run.suspended).toEqual([AMINAH.nric]);
    expect((await officerRow(server, AMINAH.nric)).status).toBe('suspended');
    expect((await officerRow(server, WEIMING.nric)).status).toBe('active');
    expect((await officerRow(server, RAJESH.nric)).status).toBe('active');
    expect(await auditActions(server, 'officer.suspended')).toEqual([
      expect.objectContaining({ actor: 'system', subject: AMINAH.nric, details: expect.objectContaining({ reason: 'inactivity', days: 90 }) }),
    ]);

    const refused = await createRequest(server);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', details: { reason: 'officer_suspended' } });
    await signAs(server, WEIMING);

    // Idempotent.
    const before = await snapshot(server);
    expect(await runLifecycleJobs(server.services)).toEqual({ movementsApplied: [], suspended: [], closed: [] });
    expect(await snapshot(server)).toEqual(before);
  });

  it('with the controlled clock: 91 days on, every idle officer is suspended; the day limit is configurable', async () => {
    server.clock.advance(89 * DAY_MS);
    expect((await runLifecycleJobs(server.services)).suspended).toEqual([]);
    server.clock.advance(2 * DAY_MS);
    expect((await runLifecycleJobs(server.services)).suspended.sort()).toEqual([AMINAH.nric, WEIMING.nric, RAJESH.nric].sort());

    const other = await startTestServer();
    try {
      other.clock.advance(31 * DAY_MS);
      expect(await runLifecycleJobs(other.services, { inactivityDays: 60 })).toEqual({ movementsApplied: [], suspended: [], closed: [] });
      expect((await runLifecycleJobs(other.services, { inactivityDays: 30 })).suspended).toHaveLength(3);
    } finally {
      await other.close();
    }
  });

  it('an officer who never signed in counts from registration', async () => {
    await setLastActivity(AMINAH.nric, null, server.clock.now - 100 * DAY_MS);
    await setLastActivity(WEIMING.nric, null, server.clock.now - 10 * DAY_MS);
    expect(await suspendInactive(server.services, server.clock.now)).toEqual([AMINAH.nric]);
  });

  it('a signature is activity: it restarts the 90 days', async () => {
    server.clock.advance(10 * DAY_MS);
    await signAs(server);
    expect((await officerRow(server, AMINAH.nric)).lastActivityAt).toBe(server.clock.now);
    server.clock.advance(85 * DAY_MS); // 95 days after seeding, 85 after Aminah's signature
    const run = await runLifecycleJobs(server.services);
    expect(run.suspended).not.toContain(AMINAH.nric);
    expect(run.suspended).toContain(WEIMING.nric);
  });

  it('reactivation restores signing and restarts the clock; an active officer is left alone', async () => {
    await setLastActivity(AMINAH.nric, server.clock.now - 120 * DAY_MS);
    await suspendInactive(server.services, server.clock.now);
    expect((await officerRow(server, AMINAH.nric)).status).toBe('suspended');

    expect(await reactivate(server.services, AMINAH.nric, 'admin_test')).toBe('reactivated');
    expect(await officerRow(server, AMINAH.nric)).toMatchObject({ status: 'active', lastActivityAt: server.clock.now });
    expect(await auditActions(server, 'officer.reactivated')).toEqual([
      expect.objectContaining({ actor: 'admin_test', subject: AMINAH.nric, details: { from: 'suspended' } }),
    ]);
    expect(await suspendInactive(server.services, server.clock.now)).toEqual([]);
    await signAs(server);

    const before = await auditCount(server);
    expect(await reactivate(server.services, WEIMING.nric, 'admin_test')).toBe('already_active');
    expect(await auditCount(server)).toBe(before);
  });
});

describe('scheduler', () => {
  it('runs at start and on its interval, and stops', async () => {
    await setLastActivity(AMINAH.nric, server.clock.now - 91 * DAY_MS);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    try {
      const scheduler = startLifecycleScheduler(server.services, 1000);
      await vi.advanceTimersByTimeAsync(0);
      await scheduler.idle();
      expect((await officerRow(server, AMINAH.nric)).status).toBe('suspended');

      await setLastActivity(WEIMING.nric, server.clock.now - 91 * DAY_MS);
      await vi.advanceTimersByTimeAsync(1000);
      await scheduler.idle();
      expect((await officerRow(server, WEIMING.nric)).status).toBe('suspended');

      scheduler.stop();
      await setLastActivity(RAJESH.nric, server.clock.now - 91 * DAY_MS);
      await vi.advanceTimersByTimeAsync(5000);
      await scheduler.idle();
      expect((await officerRow(server, RAJESH.nric)).status).toBe('active');
    } finally {
      vi.useRealTimers();
    }
  });
});
