import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH, makeDocument, WEIMING } from '../helpers/api.js';
import { cli } from '../helpers/cli.js';
import { waitForCrlListing } from '../helpers/crl.js';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { http, httpComplete, httpCreate, httpOtp, httpToken } from '../helpers/httpApi.js';
import { openDb, type Db } from '../../server/db/database.js';

// Issue 10: several server processes on one PostgreSQL behave as one service.
let cluster: Cluster;
let db: Db;
let token: string;

beforeAll(async () => {
  // Load tests here: the per-officer budgets (docs/security.md) are tested elsewhere and would end the load early.
  cluster = await startCluster({ nodes: 2, env: { ROAMSIGN_OTP_SENDS_PER_HOUR: '100000', ROAMSIGN_PENDING_PER_CALLER: '100' } });
  db = await openDb(cluster.location);
  token = await httpToken(cluster.url);
}, 180_000);
afterAll(async () => {
  await db?.close();
  await cluster?.stop();
});

const [A, B] = [0, 1];
const url = (i: number) => cluster.nodes[i]!.url;

describe('two nodes, one service', () => {
  it('started together on an empty database: one CA, one set of demo officers, one master key, one audit chain', async () => {
    expect(await db.all('select id from ca_state')).toHaveLength(1);
    expect(await db.get("select count(*) as n from officers where nric = '900101011234'")).toEqual({ n: 1 });
    const a = await (await fetch(`${url(A)}/ca.pem`)).text();
    const b = await (await fetch(`${url(B)}/ca.pem`)).text();
    expect(a).toBe(b);
    expect((await http(url(A), 'GET', '/api/v1/ready')).body).toMatchObject({ status: 'ready', database: 'postgres' });
  });

  it('a request created on one node completes on the other', async () => {
    const created = await httpCreate(url(A), token);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const otp = await httpOtp(url(B), created.body.id);
    const done = await httpComplete(url(B), token, created.body.id, otp);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'signed', verification: { valid: true } });
    expect((await http(url(A), 'GET', `/api/v1/signing-requests/${created.body.id}`, undefined, { Authorization: `Bearer ${token}` })).body.status).toBe('signed');
  });

  it('50 completions of one OTP spread over both nodes make exactly one signature', async () => {
    const created = await httpCreate(cluster.url, token);
    const otp = await httpOtp(cluster.url, created.body.id);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => httpComplete(url(i % 2), token, created.body.id, otp)));
    const unexpected = answers.filter((r) => r.status !== 200 && r.body?.error?.code !== 'request_not_pending');
    expect(unexpected.map((r) => [r.status, r.body])).toEqual([]);
    const signed = answers.filter((r) => r.status === 200);
    expect(signed.length).toBeGreaterThanOrEqual(1);
    expect(new Set(signed.map((r) => r.body.signatures[0].signature)).size).toBe(1);
    expect(await db.get('select count(*) as n from signatures where request_id = ?', created.body.id)).toEqual({ n: 1 });
  });

  it('the audit chain written by both nodes at once is one chain', async () => {
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const created = await httpCreate(url(i % 2), token);
        const otp = await httpOtp(url(i % 2), created.body.id);
        await httpComplete(url((i + 1) % 2), token, created.body.id, otp);
      }),
    );
    const rows = await db.all<{ seq: number; prev_hash: string; hash: string }>('select seq, prev_hash, hash from audit_log order by seq');
    rows.forEach((row, i) => {
      expect(row.seq).toBe(i + 1);
      if (i > 0) expect(row.prev_hash).toBe(rows[i - 1]!.hash);
    });
  });

  it('a phone connected to node A receives the OTP of a request created on node B, and its ack on B counts', async () => {
    const started = await http(url(B), 'POST', '/api/v1/mobile/registrations', { nric: AMINAH.nric, phone: '+60123456701', platform: 'android', label: 'Telefon ujian' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const code = (await http(url(A), 'GET', `/api/v1/dev/outbox?to=${AMINAH.nric}`)).body.find((m: { subject: string; otp: string | null }) => m.otp && /peranti/i.test(m.subject))?.otp as string;
    const confirmed = await http(url(A), 'POST', `/api/v1/mobile/registrations/${started.body.challengeId}/confirm`, { code });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
    const secret = confirmed.body.secret as string;

    // The phone's live stream on node A; acks every OTP it is shown, through node B.
    const controller = new AbortController();
    const stream = await fetch(`${url(A)}/api/v1/mobile/events?token=${encodeURIComponent(secret)}`, { signal: controller.signal });
    const shown: { pushId: string; requestId: string; otp: string | null }[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        const reader = stream.body!.getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const event = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (!/^event: otp$/m.test(event)) continue;
            const push = JSON.parse(/^data: (.*)$/m.exec(event)![1]!) as { pushId: string; requestId: string; otp: string | null };
            shown.push(push);
            await http(url(B), 'POST', '/api/v1/mobile/ack', { pushId: push.pushId }, { Authorization: `Bearer ${secret}` });
          }
        }
      } catch {
        // aborted at the end of the test
      }
    })();
    try {
      const created = await httpCreate(url(B), token, undefined, { channel: 'push' });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      // Delivered by push (acknowledged in time), not fallen back to e-mail.
      expect(created.body.channel).toBe('push');
      const push = shown.find((p) => p.requestId === created.body.id);
      expect(push?.otp).toMatch(/^\d{6}$/);
      const done = await httpComplete(url(A), token, created.body.id, push!.otp!);
      expect(done.status).toBe(200);
    } finally {
      controller.abort();
      await reading;
      await http(url(A), 'DELETE', '/api/v1/mobile/device', undefined, { Authorization: `Bearer ${secret}` });
    }
  });
});

describe('a revocation, whoever made it', () => {
  it('is on both nodes\' /crl within 2 s and /verify on the other node reports it', async () => {
    const created = await httpCreate(url(A), token, 'STH-2026-CLUSTER-REVOKE', { nric: WEIMING.nric });
    const otp = await httpOtp(url(A), created.body.id, WEIMING.nric);
    const done = await httpComplete(url(A), token, created.body.id, otp, WEIMING.pin);
    expect(done.status).toBe(200);
    const { signature, certificateSerial } = done.body.signatures[0] as { signature: string; certificateSerial: string };
    const digest = makeDocument('STH-2026-CLUSTER-REVOKE').digest;

    const revoked = cli(cluster.env, ['revoke', WEIMING.nric, 'keyCompromise']);
    expect(revoked.code, revoked.out).toBe(0);
    for (const node of [A, B]) expect(await waitForCrlListing(url(node), certificateSerial, 2000), `node ${node}`).not.toBeNull();
    const report = await http(url(B), 'POST', '/api/v1/verify', { signature, digest });
    expect(report.body.certificate).toMatchObject({ status: 'revoked' });
    expect(report.body.certificate.revokedAt).toMatch(/^\d{4}-/);
  }, 120_000);
});

describe('losing a node', () => {
  it('kill -9 of one node under load: no signature lost or duplicated, and the other node keeps serving', async () => {
    const received = new Map<string, string>();
    const failures: string[] = [];
    let afterKill = 0;
    let killing = false;
    let killed = false;
    const deadline = Date.now() + 9_000;
    const client = async () => {
      while (Date.now() < deadline) {
        const startedAfterKill = killed;
        try {
          const created = await httpCreate(cluster.url, token);
          if (created.status !== 201) throw new Error(`create ${created.status} ${JSON.stringify(created.body)}`);
          const otp = await httpOtp(cluster.url, created.body.id);
          const done = await httpComplete(cluster.url, token, created.body.id, otp);
          if (done.status !== 200) throw new Error(`complete ${done.status} ${JSON.stringify(done.body)}`);
          received.set(created.body.id as string, done.body.signatures[0].signature as string);
          if (startedAfterKill) afterKill++;
        } catch (error) {
          failures.push(`${killing ? 'after' : 'before'} the kill: ${(error as Error).message}`);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, client));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    killing = true;
    await cluster.nodes[A]!.kill();
    killed = true;
    await load;

    expect(received.size).toBeGreaterThan(0);
    // The surviving node served whole flows after the kill.
    expect(afterKill, failures.join('\n')).toBeGreaterThan(0);
    // Every signature a client received is stored, exactly that one, once.
    for (const [requestId, signature] of received) {
      const rows = await db.all<{ cms: Buffer }>('select cms from signatures where request_id = ?', requestId);
      expect(rows, requestId).toHaveLength(1);
      expect(rows[0]!.cms.toString('base64')).toBe(signature);
    }
    const duplicates = await db.all('select request_id, document_id, count(*) as n from signatures group by request_id, document_id having count(*) > 1');
    expect(duplicates).toEqual([]);
    // Only flows cut by the kill may fail: none before it.
    expect(failures.filter((f) => f.startsWith('before'))).toEqual([]);

    await cluster.nodes[A]!.restart();
    expect((await http(url(A), 'GET', '/api/v1/ready')).status).toBe(200);
  }, 120_000);
});
