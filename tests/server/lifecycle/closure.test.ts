import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reactivate } from '../../../server/lifecycle/inactivity.js';
import { recordMovement } from '../../../server/lifecycle/movements.js';
import { runLifecycleJobs } from '../../../server/lifecycle/scheduler.js';
import { AMINAH, WEIMING } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { auditActions, DAY_MS, officerRow } from './helpers.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

describe('accounts closed 60 days after service ends', () => {
  it('a retired officer is closed 60 days after the retirement took effect, not before, once', async () => {
    await recordMovement(server.services, { nric: AMINAH.nric, kind: 'retirement', effectiveAt: server.clock.now, recordedBy: 'test' });
    expect((await runLifecycleJobs(server.services)).closed).toEqual([]);
    expect((await officerRow(server, AMINAH.nric)).status).toBe('retired');

    server.clock.advance(59 * DAY_MS);
    expect((await runLifecycleJobs(server.services)).closed).toEqual([]);
    expect((await officerRow(server, AMINAH.nric)).status).toBe('retired');

    server.clock.advance(DAY_MS + 1);
    expect((await runLifecycleJobs(server.services)).closed).toEqual([AMINAH.nric]);
    expect((await officerRow(server, AMINAH.nric)).status).toBe('closed');
    expect(await auditActions(server, 'officer.closed')).toHaveLength(1);

    // Idempotent, and a transferred officer is never closed.
    expect((await runLifecycleJobs(server.services)).closed).toEqual([]);
    expect(await auditActions(server, 'officer.closed')).toHaveLength(1);
    expect((await officerRow(server, WEIMING.nric)).status).not.toBe('closed');
  });

  it('a closed account cannot be reactivated nor moved again', async () => {
    await recordMovement(server.services, { nric: AMINAH.nric, kind: 'retirement', effectiveAt: server.clock.now, recordedBy: 'test' });
    server.clock.advance(61 * DAY_MS);
    await runLifecycleJobs(server.services);
    await expect(reactivate(server.services, AMINAH.nric, 'test')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(recordMovement(server.services, { nric: AMINAH.nric, kind: 'end_of_role', effectiveAt: server.clock.now, recordedBy: 'test' })).rejects.toMatchObject({ code: 'bad_request' });
    expect((await officerRow(server, AMINAH.nric)).status).toBe('closed');
  });
});
