import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoamSignError } from '../../../shared/errors.js';
import { reactivate } from '../../../server/lifecycle/inactivity.js';
import { applyDueMovements, recordMovement } from '../../../server/lifecycle/movements.js';
import { runLifecycleJobs } from '../../../server/lifecycle/scheduler.js';
import { AMINAH, call, createRequest, documentBytes, latestOtp, WEIMING } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { addAgency, auditActions, auditCount, certificatesOf, DAY_MS, officerRow, signAs, snapshot } from './helpers.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS: '0' });
});
afterEach(() => server.close());

const record = (input: Partial<Parameters<typeof recordMovement>[1]> & { kind: 'transfer' | 'retirement' | 'end_of_role' }) =>
  recordMovement(server.services, { nric: AMINAH.nric, effectiveAt: server.clock.now, recordedBy: 'admin_test', ...input });

async function expectRoamSignError(fn: () => unknown, code: string, details?: Record<string, unknown>) {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RoamSignError);
    expect((error as RoamSignError).code).toBe(code);
    if (details) expect((error as RoamSignError).details).toMatchObject(details);
    return;
  }
  throw new Error(`expected RoamSignError ${code}`);
}

describe('retirement', () => {
  it('signs until the effective date, is refused from it before the job runs, and the job revokes the certificate onto the CRL', async () => {
    const earlier = await signAs(server);
    const serial = earlier.signatures[0]!.certificateSerial;
    const movement = await record({ kind: 'retirement', effectiveAt: server.clock.now + DAY_MS });
    expect((await auditActions(server, 'movement.recorded')).at(-1)).toMatchObject({ actor: 'admin_test', subject: AMINAH.nric, details: { kind: 'retirement', movementId: movement.id } });

    // Today: still the officer's last day, signing works.
    await signAs(server, AMINAH, 'STH-2026-000124');
    expect((await runLifecycleJobs(server.services)).movementsApplied).toEqual([]);

    // Tomorrow, before any job: refused at once.
    server.clock.advance(DAY_MS);
    const refused = await createRequest(server);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(refused.body.error.details).toEqual({ reason: 'officer_retired' });
    expect((await officerRow(server, AMINAH.nric)).status).toBe('active');
    expect((await certificatesOf(server, AMINAH.nric))[0]!.revokedAt).toBeNull();

    // The job: retired, certificate revoked for cessation of operation, on the CRL at once.
    const run = await runLifecycleJobs(server.services);
    expect(run.movementsApplied).toEqual([movement.id]);
    expect((await officerRow(server, AMINAH.nric)).status).toBe('retired');
    expect(await certificatesOf(server, AMINAH.nric)).toEqual([{ serial, revokedAt: server.clock.now, reason: 'cessationOfOperation' }]);
    expect((await server.services.ca.currentCrl()).revoked.has(serial)).toBe(true);
    expect((await auditActions(server, 'certificate.revoked')).map((e) => e.subject)).toEqual([serial]);
    expect(await auditActions(server, 'movement.applied')).toEqual([
      expect.objectContaining({ actor: 'system', subject: AMINAH.nric, details: expect.objectContaining({ movementId: movement.id, kind: 'retirement' }) }),
    ]);

    const report = await call(server, 'POST', '/api/v1/verify', {
      signature: earlier.signatures[0]!.signature,
      content: documentBytes('STH-2026-000123').toString('base64'),
    });
    expect(report.status).toBe(200);
    // Issue 20: signed before the retirement (proven by its time-stamp), the approval stays valid.
    expect(report.body).toMatchObject({ valid: true, indication: 'TOTAL_PASSED' });
    expect(report.body.certificate).toMatchObject({ serial, status: 'revoked' });

    const after = await createRequest(server);
    expect(after.status).toBe(403);
    expect(after.body.error.details).toEqual({ reason: 'officer_retired' });
    await expectRoamSignError(() => reactivate(server.services, AMINAH.nric, 'admin_test'), 'forbidden', { reason: 'officer_retired' });
    expect((await server.services.audit.verify()).ok).toBe(true);
  });

  it('a request created before the effective moment cannot be completed after it', async () => {
    await record({ kind: 'retirement', effectiveAt: server.clock.now + 60_000 });
    const created = await createRequest(server);
    expect(created.status).toBe(201);
    const otp = await latestOtp(server, created.body.id);
    server.clock.advance(60_000);
    const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
    expect(done.status).toBe(403);
    expect(done.body.error).toMatchObject({ code: 'forbidden', details: { reason: 'officer_retired' } });
    const row = (await server.services.db.get('select count(*) as n from signatures where request_id = ?', created.body.id)) as { n: number };
    expect(row.n).toBe(0);
  });

  it('the job is idempotent: a second run changes no row and writes no audit entry', async () => {
    await record({ kind: 'retirement' });
    await record({ nric: WEIMING.nric, kind: 'end_of_role' });
    const first = await runLifecycleJobs(server.services);
    expect(first.movementsApplied).toHaveLength(2);
    const before = await snapshot(server);
    const second = await runLifecycleJobs(server.services);
    expect(second).toEqual({ movementsApplied: [], suspended: [], closed: [] });
    expect(await snapshot(server)).toEqual(before);
    expect(await applyDueMovements(server.services)).toEqual([]);
    expect(await snapshot(server)).toEqual(before);
  });

  it('two concurrent runs apply each movement once', async () => {
    const movement = await record({ kind: 'retirement' });
    const [a, b] = await Promise.all([runLifecycleJobs(server.services), runLifecycleJobs(server.services)]);
    expect([...a.movementsApplied, ...b.movementsApplied]).toEqual([movement.id]);
    expect(await auditActions(server, 'movement.applied')).toHaveLength(1);
    expect(await auditActions(server, 'certificate.revoked')).toHaveLength(1);
    expect((await server.services.audit.verify()).ok).toBe(true);
  });
});

describe('transfer', () => {
  it('keeps the certificate (certificates are personal), moves the officer to the new agency, and signing goes on', async () => {
    await addAgency(server, '2001', 'JANM Negeri Kedah');
    const serial = (await certificatesOf(server, AMINAH.nric))[0]!.serial;
    const movement = await record({ kind: 'transfer', toAgencyCode: '2001', effectiveAt: server.clock.now + DAY_MS });
    expect(movement).toMatchObject({ fromAgencyCode: '1009', toAgencyCode: '2001', appliedAt: null });

    server.clock.advance(DAY_MS);
    // Effective, job not yet run: a transfer does not refuse.
    await signAs(server);
    const run = await runLifecycleJobs(server.services);
    expect(run.movementsApplied).toEqual([movement.id]);
    expect(await officerRow(server, AMINAH.nric)).toMatchObject({ status: 'active', agencyCode: '2001' });
    expect(await certificatesOf(server, AMINAH.nric)).toEqual([{ serial, revokedAt: null, reason: null }]);
    expect((await server.services.ca.currentCrl()).revoked.has(serial)).toBe(false);

    const done = await signAs(server, AMINAH, 'STH-2026-000200');
    expect(done.signatures[0]!.certificateSerial).toBe(serial);
    expect((await call(server, 'GET', `/api/v1/users/${AMINAH.nric}/medium`)).body.preferred).toBe('roaming');
  });
});

describe('end of role', () => {
  it('refuses from the effective date, suspends when applied, and reactivation restores signing', async () => {
    const movement = await record({ kind: 'end_of_role' });
    const refused = await createRequest(server);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details).toEqual({ reason: 'officer_moved' });

    expect((await runLifecycleJobs(server.services)).movementsApplied).toEqual([movement.id]);
    expect((await officerRow(server, AMINAH.nric)).status).toBe('suspended');
    expect((await certificatesOf(server, AMINAH.nric))[0]!.revokedAt).toBeNull();
    const suspended = await createRequest(server);
    expect(suspended.status).toBe(403);
    expect(suspended.body.error.details).toEqual({ reason: 'officer_suspended' });

    expect(await reactivate(server.services, AMINAH.nric, 'admin_test')).toBe('reactivated');
    expect(await officerRow(server, AMINAH.nric)).toMatchObject({ status: 'active', lastActivityAt: server.clock.now });
    await signAs(server);
  });

  it('an administrator reactivating before the job settles the due end of role', async () => {
    const movement = await record({ kind: 'end_of_role' });
    expect(await reactivate(server.services, AMINAH.nric, 'admin_test')).toBe('reactivated');
    await signAs(server);
    expect(await applyDueMovements(server.services)).toEqual([]);
    expect((await officerRow(server, AMINAH.nric)).status).toBe('active');
    expect(await auditActions(server, 'movement.applied')).toEqual([
      expect.objectContaining({ actor: 'admin_test', details: expect.objectContaining({ movementId: movement.id, settledBy: 'reactivation' }) }),
    ]);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['an unknown nric', { nric: '111111111111', kind: 'retirement' as const }, 'user_not_found', undefined],
    ['a transfer to an unknown agency', { kind: 'transfer' as const, toAgencyCode: '9999' }, 'bad_request', { toAgencyCode: 'unknown agency' }],
    ['a transfer without an agency', { kind: 'transfer' as const }, 'bad_request', { toAgencyCode: 'required for a transfer' }],
    ['a transfer to the same agency', { kind: 'transfer' as const, toAgencyCode: '1009' }, 'bad_request', undefined],
    ['an agency on a retirement', { kind: 'retirement' as const, toAgencyCode: '1009' }, 'bad_request', undefined],
    ['an unknown kind', { kind: 'promotion' as unknown as 'transfer' }, 'bad_request', undefined],
    ['an effective date that is not a time', { kind: 'retirement' as const, effectiveAt: Number.NaN }, 'bad_request', undefined],
  ])('%s', async (_name, input, code, details) => {
    const before = await snapshot(server);
    await expectRoamSignError(() => record(input), code, details);
    expect(await snapshot(server)).toEqual(before);
    expect(await runLifecycleJobs(server.services)).toEqual({ movementsApplied: [], suspended: [], closed: [] });
    expect(await snapshot(server)).toEqual(before);
  });

  it('a retired officer takes no further movement; reactivating a stranger is user_not_found', async () => {
    await record({ kind: 'retirement' });
    await runLifecycleJobs(server.services);
    const before = await auditCount(server);
    await expectRoamSignError(() => record({ kind: 'end_of_role' }), 'bad_request', { nric: 'officer already retired' });
    await expectRoamSignError(() => reactivate(server.services, '111111111111', 'admin_test'), 'user_not_found');
    expect(await auditCount(server)).toBe(before);
  });
});
