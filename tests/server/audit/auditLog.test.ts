import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AMINAH, call, createRequest, latestOtp } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
  const created = await createRequest(server);
  const otp = await latestOtp(server, created.body.id);
  await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: '000000', otp });
  await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: AMINAH.pin, otp });
});
afterEach(() => server.close());

const db = () => server.services.db;

describe('audit log', () => {
  it('records every state change of a signing, in order', async () => {
    const actions = (await db().all<{ action: string }>('select action from audit_log order by seq')).map((r) => r.action);
    const flow = actions.slice(actions.indexOf('request.created'));
    expect(flow).toEqual(['request.created', 'otp.sent', 'pin.wrong', 'otp.consumed', 'request.signed']);
    // Issue 23 item 5: the OTP was sent for the officer's request, not by a scheduled job.
    const sent = await db().get<{ actor: string }>("select actor from audit_log where action = 'otp.sent'");
    expect(sent!.actor).toBe(AMINAH.nric);
    expect(actions).toContain('ca.created');
    expect(actions).toContain('certificate.issued');
  });

  it('the chain verifies', async () => {
    const check = await server.services.audit.verify();
    expect(check.ok).toBe(true);
    expect(check.entries).toBeGreaterThan(5);
  });

  it.each([
    ['action', "update audit_log set action = 'request.cancelled' where action = 'request.signed'"],
    ['details', "update audit_log set details = '{}' where action = 'pin.wrong'"],
    ['actor', "update audit_log set actor = 'someone' where seq = 2"],
    ['time', 'update audit_log set at = at + 1 where seq = 3'],
    ['deleted entry', 'delete from audit_log where seq = 4'],
    // Always a different hash: a prefix of '00' would leave one stored hash in 256 unchanged.
    ['forged hash', "update audit_log set hash = (case when substr(hash, 1, 2) = '00' then 'ff' else '00' end) || substr(hash, 3) where seq = 1"],
  ])('editing any stored entry (%s) breaks verification', async (_what, statement) => {
    await db().run(statement);
    const check = await server.services.audit.verify();
    expect(check.ok).toBe(false);
  });

  it('the broken entry is named', async () => {
    await db().run("update audit_log set details = '{\"x\":1}' where seq = 3");
    expect(await server.services.audit.verify()).toMatchObject({ ok: false, brokenAt: 3 });
  });
});
