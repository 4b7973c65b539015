import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../server/db/database.js';
import { createOutbox, type PushChannel } from '../../../server/notify/outbox.js';
import { createTestDatabase } from '../../helpers/testDatabase.js';

const silentMailer = { send: async () => {}, close: () => {} };

async function tempOutbox(push: PushChannel) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-outbox-'));
  const db = await openDb((await createTestDatabase()) ?? path.join(dir, 'db.sqlite'));
  let t = 1_700_000_000_000;
  return createOutbox({ db, mailer: silentMailer, push, sandbox: true, now: () => t++ });
}

const deliver = (outbox: Awaited<ReturnType<typeof tempOutbox>>, nric: string, email: string, requestId: string, preferred?: 'email') =>
  outbox.deliverOtp({ recipient: { nric, email }, preferred, subject: 's', text: 't', otp: '123456', requestId });

describe('sandbox outbox list', () => {
  it('answers by nric or by address, newest first, each message once, at most `limit`', async () => {
    // Push rows carry the nric as their address too: they match both look-ups and must come once.
    const push: PushChannel = { activeDevice: async () => ({ destination: 'device' }), deliver: async () => true };
    const outbox = await tempOutbox(push);
    await deliver(outbox, '900101011234', 'aminah@anm.gov.my', 'sr_1');
    await deliver(outbox, '900101011234', 'aminah@anm.gov.my', 'sr_2', 'email');
    await deliver(outbox, '880202025678', 'weiming@anm.gov.my', 'sr_3', 'email');
    await deliver(outbox, '900101011234', 'aminah@anm.gov.my', 'sr_4');

    expect((await outbox.list('900101011234')).map((m) => m.requestId)).toEqual(['sr_4', 'sr_2', 'sr_1']);
    expect((await outbox.list('900101011234', 2)).map((m) => m.requestId)).toEqual(['sr_4', 'sr_2']);
    expect((await outbox.list('aminah@anm.gov.my')).map((m) => m.requestId)).toEqual(['sr_2']);
    expect((await outbox.list('weiming@anm.gov.my')).map((m) => m.requestId)).toEqual(['sr_3']);
    expect(await outbox.list('nobody')).toEqual([]);
    expect((await outbox.list('900101011234'))[0]).toMatchObject({ to: '900101011234', channel: 'push', otp: '123456' });
  });
});
