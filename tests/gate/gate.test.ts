import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { eq, desc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGate, type RunningGate } from '../../gate/startGate.js';
import { startLiveServer, type LiveServer } from '../e2e/liveServer.js';
import { MANY_REFUSALS } from './gateSetup.js';
import { AMINAH, RAJESH, WEIMING } from '../helpers/api.js';
import { freePort } from '../helpers/freePort.js';
import { testGateConfig } from './gateSetup.js';
import { APP_JS_ETAG, CLAIMS, ORDERS, STH_DOCUMENTS, startLegacyBackend, type LegacyBackend, type SthDocument } from './legacyBackend.js';
import { signatureInputs, signFields, type SignedDocument } from './signing.js';

// The gate between a real browser-less client and a legacy back end of our own, with a real
// RoamSign server deciding over HTTP (tests/e2e/liveServer.ts), and a second gate whose RoamSign
// is down. Every case goes over real sockets.

let roamsign: LiveServer;
let backend: LegacyBackend;
let gate: RunningGate;
let downGate: RunningGate;

beforeAll(async () => {
  [roamsign, backend] = await Promise.all([startLiveServer({ ROAMSIGN_LOG_LEVEL: 'silent', ...MANY_REFUSALS }), startLegacyBackend()]);
  gate = await startGate(testGateConfig({ upstream: backend.url, roamsign: roamsign.url }));
  // Nothing listens there: RoamSign is down for this gate.
  downGate = await startGate(testGateConfig({ upstream: backend.url, roamsign: `http://127.0.0.1:${await freePort()}` }));
});
afterAll(async () => {
  await Promise.all([gate?.close(), downGate?.close()]);
  await Promise.all([backend?.close(), roamsign?.stop()]);
});

interface RawAnswer {
  status: number;
  message: string;
  headers: [string, string][];
  body: Buffer;
}

/** One request over a fresh connection, no decompression, no redirects: the bytes as sent. */
function raw(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | Buffer[] } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode!, message: res.statusMessage ?? '', headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    // A list of chunks is sent chunked (no Content-Length), as a streamed upload.
    if (Array.isArray(options.body)) for (const chunk of options.body) req.write(chunk);
    else if (options.body) req.write(options.body);
    req.end();
  });
}

/**
 * Headers that describe the connection, the moment or the framing, not the answer. (An empty
 * chunked answer may leave the gate as Content-Length: 0; a Content-Length the back end sent is
 * checked to be kept.)
 */
const PER_HOP = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const contentLength = (answer: RawAnswer) => answer.headers.find(([name]) => name === 'content-length')?.[1];
const endToEnd = (answer: RawAnswer) => answer.headers.filter(([name]) => !PER_HOP.has(name)).sort(([a, x], [b, y]) => (a + x < b + y ? -1 : 1));

async function login(base: string, nric: string): Promise<string> {
  const res = await fetch(`${base}/login?user=${nric}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

function sthFields(doc: SthDocument): Record<string, string> {
  return { noDokumen: doc.noDokumen, tarikh: doc.tarikh, vendor: doc.vendor, amaun: doc.amaun, keterangan: doc.keterangan };
}

const signSth = (doc: SthDocument, officer: { nric: string; pin: string } = AMINAH) =>
  signFields(roamsign, { nric: officer.nric, pin: officer.pin, fields: sthFields(doc), idField: 'noDokumen' });

function sthBody(fields: Record<string, string>, signed: SignedDocument | null, extra: [string, string][] = [['tindakan', 'lulus']]): string {
  return new URLSearchParams([...Object.entries(fields), ...extra, ...(signed ? signatureInputs(signed) : [])]).toString();
}

async function postSth(base: string, doc: SthDocument, body: string, cookie: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/sth/${doc.noDokumen}/approve`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, ...headers },
    body,
    redirect: 'manual',
  });
}

/** The refusal page's reason (data-reason), or the JSON refusal's. */
async function refusalReason(res: Response): Promise<string> {
  const text = await res.text();
  if (res.headers.get('content-type')?.startsWith('application/json')) return (JSON.parse(text) as { error: { details: { reason: string } } }).error.details.reason;
  return /data-reason="([a-z_]+)"/.exec(text)?.[1] ?? `no reason in: ${text.slice(0, 200)}`;
}

async function latestAudit() {
  const { auditLog } = roamsign.services.db.t;
  return (await roamsign.services.db.orm.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1))[0]!;
}

describe('pass-through: everything that is not an approval is byte-identical to the direct answer', () => {
  const upload = Array.from({ length: 48 }, (_, i) => Buffer.alloc(64 * 1024, i));
  it.each<[string, string, { method?: string; headers?: Record<string, string>; body?: Buffer | Buffer[] }]>([
    ['an HTML page', '/sth', {}],
    ['a gzip-compressed script', '/static/app.js', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } }],
    ['a conditional GET answered 304', '/static/app.js', { headers: { 'If-None-Match': APP_JS_ETAG } }],
    ['a HEAD', '/static/app.js', { method: 'HEAD' }],
    ['1 MiB of binary', '/big.bin', {}],
    ['a streamed (chunked) answer', '/stream', {}],
    ['a 3 MiB streamed upload echoed back', '/echo', { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: upload }],
    ['a DELETE answered 204', '/items/7', { method: 'DELETE' }],
    ['a 404', '/tiada/di/sini', {}],
    ['a non-approval post beside an approval path', '/sth/STH-2026-000901/comment', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from('catatan=semak+semula') }],
    ['a page in ISO-8859-1', '/latin1', {}],
  ])('%s', async (_name, path, options) => {
    const direct = await raw(backend.url, path, options);
    const through = await raw(gate.url, path, options);
    expect(through.status).toBe(direct.status);
    expect(through.message).toBe(direct.message);
    expect(endToEnd(through)).toEqual(endToEnd(direct));
    if (contentLength(direct) !== undefined) expect(contentLength(through)).toBe(contentLength(direct));
    expect(through.body.equals(direct.body)).toBe(true);
  });

  it('keeps sessions (every Set-Cookie) and rewrites redirects to the back end to the gate', async () => {
    const res = await fetch(`${gate.url}/login?user=${AMINAH.nric}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${gate.url}/sth`);
    expect(res.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(['sid', 'bahasa']);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const whoami = await fetch(`${gate.url}/whoami`, { headers: { Cookie: cookie } });
    expect(await whoami.json()).toEqual({ user: { nric: AMINAH.nric } });
  });

  it('keeps connections alive to the browser', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ports = new Set<number>();
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) =>
        http.get(`${gate.url}/static/app.js`, { agent }, (res) => {
          ports.add(res.socket.localPort!);
          res.resume().on('end', resolve).on('error', reject);
        }),
      );
    }
    agent.destroy();
    expect(ports.size).toBe(1);
  });

  it('passes WebSocket upgrades both ways', async () => {
    const socket = new WebSocket(`${gate.url.replace('http', 'ws')}/ws`);
    const echoed = await new Promise<string>((resolve, reject) => {
      socket.once('open', () => socket.send('salam dari pelayar'));
      socket.once('message', (data) => resolve(String(data)));
      socket.once('error', reject);
    });
    socket.close();
    expect(echoed).toBe('salam dari pelayar');
  });

  it('drops X-RoamSign-* headers a client sends, so only the gate can say an approval passed', async () => {
    const res = await fetch(`${gate.url}/headers`, { headers: { 'X-RoamSign-Approval': 'ap_forged' } });
    const seen = (await res.json()) as Record<string, string>;
    expect(seen['x-roamsign-approval']).toBeUndefined();
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
  });
});

describe('approvals that must pass', () => {
  it('a signed form approval reaches the back end byte for byte, once, and is audited', async () => {
    const doc = STH_DOCUMENTS[0];
    const cookie = await login(gate.url, AMINAH.nric);
    const signed = await signSth(doc);
    const body = sthBody(sthFields(doc), signed);
    const before = backend.approvals().length;

    const res = await postSth(gate.url, doc, body, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${gate.url}/sth/${doc.noDokumen}/done`);
    const received = backend.approvals();
    expect(received.length).toBe(before + 1);
    expect(received.at(-1)!.raw.equals(Buffer.from(body))).toBe(true);
    expect(received.at(-1)!.officer).toBe(AMINAH.nric);
    expect(received.at(-1)!.approval).toMatch(/^ap_/);
    const audit = await latestAudit();
    expect(audit.action).toBe('approval.passed');
    expect(audit.details).toMatchObject({ rule: 'sth-lulus', officer: AMINAH.nric, requestId: signed.requestId, documentId: doc.noDokumen });

    // The same signature again is a replay: refused, and the back end sees nothing.
    const again = await postSth(gate.url, doc, body, cookie);
    expect(again.status).toBe(403);
    expect(await refusalReason(again)).toBe('replay');
    expect(backend.approvals().length).toBe(before + 1);
    expect(await latestAudit()).toMatchObject({ action: 'approval.refused', details: { reason: 'replay' } });
  });

  it('a signed multipart approval with an attachment passes unchanged', async () => {
    const claim = CLAIMS[0];
    const cookie = await login(gate.url, AMINAH.nric);
    const signed = await signFields(roamsign, { nric: AMINAH.nric, pin: AMINAH.pin, fields: { ...claim }, idField: 'noTuntutan' });
    const boundary = '----RoamSignGateTest7MA4YWxkTrZu0gW';
    const parts = [
      ['pegawai', AMINAH.nric],
      ['noTuntutan', claim.noTuntutan],
      ['pemohon', claim.pemohon],
      ['amaun', claim.amaun],
      ['tindakan', 'lulus'],
      ...signatureInputs(signed),
    ].map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    const body = Buffer.concat([
      Buffer.from(parts.join('')),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="lampiran"; filename="resit.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x0d, 0x0a]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await fetch(`${gate.url}/claims/${claim.noTuntutan}/approve`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, Cookie: cookie },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('telah diluluskan');
    expect(backend.approvals().at(-1)!.raw.equals(body)).toBe(true);
  });

  it('a signed JSON approval posted by the page script (fetch) passes', async () => {
    const order = ORDERS[0];
    const cookie = await login(gate.url, AMINAH.nric);
    const signed = await signFields(roamsign, { nric: AMINAH.nric, pin: AMINAH.pin, fields: { ...order }, idField: 'noPesanan' });
    const body = JSON.stringify({ ...order, tindakan: 'lulus', ...Object.fromEntries(signatureInputs(signed)) });
    const res = await fetch(`${gate.url}/api/orders/${order.noPesanan}/approve`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', Cookie: cookie },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, order: order.noPesanan });
    expect(backend.approvals().at(-1)!.raw.toString()).toBe(body);
  });

  it('a post to an approval path that is not an approval (Simpan) passes unsigned', async () => {
    const doc = STH_DOCUMENTS[1];
    const cookie = await login(gate.url, AMINAH.nric);
    const body = sthBody(sthFields(doc), null, [['tindakan', 'simpan']]);
    const res = await postSth(gate.url, doc, body, cookie);
    expect(res.status).toBe(303);
    expect(backend.approvals().at(-1)!.raw.toString()).toBe(body);
  });

  it('a token officer passes as the rule says: with the legacy token signature field, not without', async () => {
    const claim = CLAIMS[0];
    const cookie = await login(gate.url, RAJESH.nric);
    const form = (extra: [string, string][]) => {
      const data = new FormData();
      for (const [name, value] of [['pegawai', RAJESH.nric], ['noTuntutan', claim.noTuntutan], ['pemohon', claim.pemohon], ['amaun', claim.amaun], ...extra]) data.append(name!, value!);
      return data;
    };
    const before = backend.approvals().length;
    const without = await fetch(`${gate.url}/claims/${claim.noTuntutan}/approve`, { method: 'POST', headers: { Cookie: cookie }, body: form([]) });
    expect(without.status).toBe(403);
    expect(await refusalReason(without)).toBe('token_signature_missing');
    const withToken = await fetch(`${gate.url}/claims/${claim.noTuntutan}/approve`, { method: 'POST', headers: { Cookie: cookie }, body: form([['tandatanganToken', 'MIIB...token-pkcs7']]) });
    expect(withToken.status).toBe(200);
    expect(backend.approvals().length).toBe(before + 1);
    expect(backend.approvals().at(-1)!.approval).toBeNull();
    expect(await latestAudit()).toMatchObject({ action: 'approval.passed', details: { medium: 'token', officer: RAJESH.nric } });
  });
});

/** Bytes written as they are on one connection (a target no HTTP client would send); the answer's status and body. */
function rawSocket(base: string, bytes: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}

describe('issue 17: the gate reads a protected request one way, and forwards what it read', () => {
  let cookie: string;
  let before: number;
  beforeAll(async () => {
    cookie = await login(gate.url, WEIMING.nric);
  });
  const signWm = (doc: SthDocument) => signSth(doc, WEIMING);

  async function expectRefused(res: Response, status: number, reason: string) {
    expect(res.status).toBe(status);
    expect(await refusalReason(res)).toBe(reason);
    expect(backend.approvals().length).toBe(before);
    expect(await latestAudit()).toMatchObject({ action: 'approval.refused', details: { reason } });
  }
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${gate.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body), redirect: 'manual' });

  it('a */../ request target is refused (400), audited, and never resolved by the proxy', async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[1];
    const body = sthBody(sthFields(doc), null);
    const answer = await rawSocket(
      gate.url,
      `POST */../sth/${doc.noDokumen}/approve HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('data-reason="target_malformed"');
    expect(backend.approvals().length).toBe(before);
    expect(await latestAudit()).toMatchObject({ action: 'approval.refused', details: { reason: 'target_malformed', rule: 'sth-lulus' } });
    // A dot segment or a backslash the same.
    for (const target of [`/sth/x/../${doc.noDokumen}/approve`, `/sth/${doc.noDokumen}\\approve`]) {
      const again = await rawSocket(gate.url, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      expect(again.status).toBe(400);
    }
    expect(backend.approvals().length).toBe(before);
  });

  it('an encoded slash in the document number (one :docNo to Express) is refused, audited', async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[1];
    await expectRefused(await post(`/sth/${doc.noDokumen}%2Fx/approve`, sthBody(sthFields(doc), null)), 400, 'target_malformed');
  });

  it('a signed approval reaches the back end at the path the gate matched, in its one spelling', async () => {
    const doc = STH_DOCUMENTS[0];
    const signed = await signWm(doc);
    const body = sthBody(sthFields(doc), signed);
    const res = await post(`//sth//${doc.noDokumen}/%61pprove/`, body);
    expect(res.status).toBe(303);
    expect(backend.approvals().at(-1)).toMatchObject({ path: `/sth/${doc.noDokumen}/approve`, officer: WEIMING.nric });
    expect(backend.approvals().at(-1)!.raw.toString()).toBe(body);
  });

  it("a signature for one document posted to another document's URL is refused (url_mismatch)", async () => {
    before = backend.approvals().length;
    const signed = await signWm(STH_DOCUMENTS[2]);
    const other = STH_DOCUMENTS[3];
    await expectRefused(await post(`/sth/${other.noDokumen}/approve`, sthBody(sthFields(STH_DOCUMENTS[2]), signed)), 403, 'url_mismatch');
  });

  it.each<[string, () => { path?: string; body: string | Buffer; headers?: Record<string, string> }, string]>([
    ['a gzip body (body-parser inflates it)', () => ({ body: zlib.gzipSync(sthBody(sthFields(STH_DOCUMENTS[1]), null)), headers: { 'Content-Encoding': 'gzip' } }), 'body_encoded'],
    ['a deflate body', () => ({ body: zlib.deflateSync(sthBody(sthFields(STH_DOCUMENTS[1]), null)), headers: { 'Content-Encoding': 'deflate' } }), 'body_encoded'],
    ...['utf-16le', 'utf-16be', 'utf-7', 'shift_jis', 'binary'].map((charset): [string, () => { body: Buffer; headers: Record<string, string> }, string] => [
      `charset=${charset} (answered 400, not 503)`,
      () => ({ body: Buffer.from(sthBody(sthFields(STH_DOCUMENTS[1]), null), charset === 'utf-16le' ? 'utf16le' : 'latin1'), headers: { 'Content-Type': `application/x-www-form-urlencoded; charset=${charset}` } }),
      'charset_unsupported',
    ]),
    ['a control character before the marker', () => ({ body: sthBody(sthFields(STH_DOCUMENTS[1]), null, [['tindakan', '\u001flulus']]) }), 'field_malformed'],
    ['a marker Java folds to lulus (luluſ)', () => ({ body: sthBody(sthFields(STH_DOCUMENTS[1]), null, [['tindakan', 'lulu\u017f']]) }), 'field_malformed'],
    ['a ; separator', () => ({ body: `x=1;tindakan=lulus&${sthBody(sthFields(STH_DOCUMENTS[1]), null, [])}` }), 'field_malformed'],
    ['the marker spelt with PHP name mangling twice', () => ({ body: sthBody(sthFields(STH_DOCUMENTS[1]), null, [['tindakan', 'simpan'], ['tindakan[]', 'lulus']]) }), 'field_repeated'],
  ])('%s is refused, with its true reason', async (_name, make, reason) => {
    before = backend.approvals().length;
    const { path = `/sth/${STH_DOCUMENTS[1].noDokumen}/approve`, body, headers = {} } = make();
    await expectRefused(await post(path, body, headers), 400, reason);
  });

  it('a multipart part in utf-16le is refused', async () => {
    before = backend.approvals().length;
    const claim = CLAIMS[0];
    const boundary = 'b0undary17';
    const part = (name: string, value: string, type = '') => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n${type}\r\n${value}\r\n`;
    const body = Buffer.concat([
      Buffer.from(part('pegawai', WEIMING.nric) + part('noTuntutan', claim.noTuntutan) + part('pemohon', claim.pemohon) + part('amaun', claim.amaun)),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="tindakan"\r\nContent-Type: text/plain; charset=utf-16le\r\n\r\n`),
      Buffer.from('lulus', 'utf16le'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    await expectRefused(await post(`/claims/${claim.noTuntutan}/approve`, body, { 'Content-Type': `multipart/form-data; boundary=${boundary}` }), 400, 'charset_unsupported');
  });

  it('a JSON body with a key given twice is refused (first-key-wins parsers read the other)', async () => {
    before = backend.approvals().length;
    const order = ORDERS[0];
    const res = await fetch(`${gate.url}/api/orders/${order.noPesanan}/approve`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: `{"tindakan":"lulus","noPesanan":"PO-2026-7002","noPesanan":"${order.noPesanan}","pembekal":"${order.pembekal}","jumlah":"${order.jumlah}"}`,
    });
    await expectRefused(res, 400, 'field_malformed');
  });

  it.each<['reset' | number, number]>([
    ['reset', 502],
    [503, 503],
  ])('an approval the back end did not take (%s) is given back: the retry passes once, then it is a replay', async (how, status) => {
    const doc = STH_DOCUMENTS[how === 'reset' ? 2 : 3];
    const signed = await signWm(doc);
    const body = sthBody(sthFields(doc), signed);
    const count = () => backend.approvals().filter((p) => p.raw.toString() === body).length;
    backend.failNextApproval(how);
    const failed = await post(`/sth/${doc.noDokumen}/approve`, body);
    expect(failed.status).toBe(status);
    await failed.arrayBuffer();
    // The gate gives the approval back after the answer: wait for RoamSign's record of it.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const audit = await latestAudit();
      if (audit.action === 'approval.released' && audit.subject === signed.requestId) break;
      if (Date.now() > deadline) throw new Error(`no approval.released for ${signed.requestId} within 10 s (last: ${audit.action})`);
      await new Promise((resolve) => setTimeout(resolve, 20)); // the polling interval, not a wait for the condition
    }
    expect(count()).toBe(0);
    const retry = await post(`/sth/${doc.noDokumen}/approve`, body);
    expect(retry.status).toBe(303);
    expect(count()).toBe(1);
    const again = await post(`/sth/${doc.noDokumen}/approve`, body);
    expect(again.status).toBe(403);
    expect(await refusalReason(again)).toBe('replay');
    expect(count()).toBe(1);
  });

  it('an ANY rule protects a path prefix for every method; what is not an approval there passes', async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[1];
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      const res = await fetch(`${gate.url}/api/docs/${doc.noDokumen}/approve`, { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie }, body: sthBody(sthFields(doc), null) });
      await expectRefused(res, 403, 'unsigned');
    }
    // The marker in the query of a GET (a servlet's getParameter reads it): checked too.
    const get = await fetch(`${gate.url}/api/docs/${doc.noDokumen}/approve?${sthBody(sthFields(doc), null)}`, { headers: { Cookie: cookie } });
    await expectRefused(get, 403, 'unsigned');
    const view = await fetch(`${gate.url}/api/docs/${doc.noDokumen}/view`, { headers: { Cookie: cookie } });
    expect(await view.json()).toEqual({ doc: doc.noDokumen });
    const signed = await signWm(doc);
    const ok = await fetch(`${gate.url}/api/docs/${doc.noDokumen}/approve`, { method: 'PUT', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie }, body: sthBody(sthFields(doc), signed) });
    expect(await ok.json()).toEqual({ ok: true, doc: doc.noDokumen, method: 'PUT' });
    expect(backend.approvals().length).toBe(before + 1);
  });

  it('approval bodies held at once are capped: beyond the cap 503 with Retry-After, and the budget comes back', async () => {
    // The budget counts MEMORY_PER_BODY_BYTE (4) per byte read: 256 KB holds one 30 KB form, not a 128 KB one.
    const small = await startGate({ ...testGateConfig({ upstream: backend.url, roamsign: roamsign.url }), maxBufferedBytes: 256 * 1024 });
    try {
      before = backend.approvals().length;
      const claim = CLAIMS[0];
      const big = await raw(small.url, `/claims/${claim.noTuntutan}/approve`, {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=x', Cookie: cookie },
        body: Array.from({ length: 4 }, () => Buffer.alloc(32 * 1024, 0x61)),
      });
      expect(big.status).toBe(503);
      expect(big.headers).toContainEqual(['retry-after', '5']);
      expect(big.body.toString()).toContain('data-reason="gate_busy"');
      expect(backend.approvals().length).toBe(before);
      // Each of these fits; had the refused body's bytes not come back, the budget would be short.
      for (let i = 0; i < 3; i++) {
        const doc = STH_DOCUMENTS[1];
        const res = await fetch(`${small.url}/sth/${doc.noDokumen}/approve`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
          body: sthBody(sthFields(doc), null, [['tindakan', 'lulus'], ['catatan', 'x'.repeat(30 * 1024)]]),
        });
        expect(await refusalReason(res)).toBe('unsigned');
      }
    } finally {
      await small.close();
    }
  });

  it('drops x-roamsign-* headers in any spelling a CGI, PHP or WSGI back end reads as one', async () => {
    const seen = await new Promise<Record<string, string>>((resolve, reject) => {
      http
        .get(`${gate.url}/headers`, { headers: { X_RoamSign_Approval: 'ap_forged', 'x-ROAMSIGN_approval': 'ap_forged2' } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c));
          res.on('end', () => resolve(JSON.parse(text) as Record<string, string>));
        })
        .on('error', reject);
    });
    expect(Object.keys(seen).filter((name) => /roamsign/i.test(name))).toEqual([]);
  });
});

describe('approvals that must be refused (the back end never sees them)', () => {
  let cookie: string;
  let before: number;
  beforeAll(async () => {
    cookie = await login(gate.url, AMINAH.nric);
  });

  async function expectRefused(res: Response, status: number, reason: string) {
    expect(res.status).toBe(status);
    expect(await refusalReason(res)).toBe(reason);
    expect(backend.approvals().length).toBe(before);
    expect(await latestAudit()).toMatchObject({ action: 'approval.refused', details: { reason } });
  }

  it('an unsigned post: a clear page in Bahasa Malaysia, or English with Accept-Language: en', async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[1];
    const ms = await postSth(gate.url, doc, sthBody(sthFields(doc), null), cookie);
    expect(ms.headers.get('content-type')).toMatch(/^text\/html/);
    expect(ms.headers.get('content-language')).toBe('ms');
    const page = await ms.clone().text();
    expect(page).toContain('Kelulusan tidak dihantar');
    expect(page).toContain('tidak ditandatangani dengan RoamSign');
    await expectRefused(ms, 403, 'unsigned');
    const en = await postSth(gate.url, doc, sthBody(sthFields(doc), null), cookie, { 'Accept-Language': 'en-GB,en;q=0.9' });
    expect(await en.clone().text()).toContain('This approval was not signed with RoamSign.');
    await expectRefused(en, 403, 'unsigned');
  });

  it('an unsigned JSON post from a script gets JSON', async () => {
    before = backend.approvals().length;
    const order = ORDERS[0];
    const res = await fetch(`${gate.url}/api/orders/${order.noPesanan}/approve`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: JSON.stringify({ ...order, tindakan: 'lulus' }),
    });
    const body = (await res.clone().json()) as { error: { code: string; message: string; details: { whatToDo: string } } };
    expect(body.error.code).toBe('approval_refused');
    expect(body.error.message).toContain('tidak ditandatangani');
    expect(body.error.details.whatToDo).toContain('PIN dan OTP');
    await expectRefused(res, 403, 'unsigned');
  });

  it('a field changed after signing', async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[1];
    const signed = await signSth(doc);
    await expectRefused(await postSth(gate.url, doc, sthBody({ ...sthFields(doc), amaun: '41,800.50' }, signed), cookie), 403, 'document_mismatch');
  });

  it('a signature of another row (another document)', async () => {
    before = backend.approvals().length;
    const signed = await signSth(STH_DOCUMENTS[2]);
    const other = STH_DOCUMENTS[3];
    await expectRefused(await postSth(gate.url, other, sthBody(sthFields(other), signed), cookie), 403, 'document_mismatch');
  });

  it("another officer's signature", async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[1];
    const signed = await signSth(doc, WEIMING);
    // Aminah is signed in to the legacy system; the signature is Wei Ming's.
    await expectRefused(await postSth(gate.url, doc, sthBody(sthFields(doc), signed), cookie), 403, 'officer_mismatch');
  });

  it('a signature older than the rule allows', async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[2];
    const signed = await signSth(doc);
    // Signed two hours ago (the rule allows 10 minutes).
    await roamsign.services.db.orm.update(roamsign.services.db.t.signingRequests).set({ signedAt: Date.now() - 2 * 3600_000 }).where(eq(roamsign.services.db.t.signingRequests.id, signed.requestId));
    await expectRefused(await postSth(gate.url, doc, sthBody(sthFields(doc), signed), cookie), 403, 'stale');
  });

  it('a field given twice (the back end might read the other copy)', async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[3];
    const signed = await signSth(doc);
    const body = sthBody(sthFields(doc), signed, [['tindakan', 'lulus'], ['amaun', '1.00']]);
    await expectRefused(await postSth(gate.url, doc, body, cookie), 400, 'field_repeated');
  });

  it('a path spelled differently (double slash, percent-encoding, case) is still checked', async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[1];
    const res = await fetch(`${gate.url}//STH/${doc.noDokumen}/%61pprove/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
      body: sthBody(sthFields(doc), null),
    });
    await expectRefused(res, 403, 'unsigned');
  });

  it('a post with nobody signed in to the legacy system', async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[1];
    await expectRefused(await postSth(gate.url, doc, sthBody(sthFields(doc), null), ''), 403, 'officer_missing');
  });

  it('a body over the rule limit is not read to the end, and the connection is closed', async () => {
    before = backend.approvals().length;
    const claim = CLAIMS[0];
    const res = await raw(gate.url, `/claims/${claim.noTuntutan}/approve`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=x', Cookie: cookie },
      body: Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024, 0x61)),
    });
    expect(res.status).toBe(413);
    expect(res.headers).toContainEqual(['connection', 'close']);
    expect(res.body.toString()).toContain('data-reason="body_too_large"');
    expect(backend.approvals().length).toBe(before);
  });

  it('a post made while RoamSign is down; all other traffic still flows', async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[1];
    const signed = await signSth(doc);
    const downCookie = await login(downGate.url, AMINAH.nric);
    const res = await postSth(downGate.url, doc, sthBody(sthFields(doc), signed), downCookie);
    expect(res.status).toBe(503);
    expect(await refusalReason(res)).toBe('roamsign_unreachable');
    expect(backend.approvals().length).toBe(before);
    const page = await fetch(`${downGate.url}/sth/${doc.noDokumen}`, { headers: { Cookie: downCookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(doc.vendor);
  });

  // Last: it revokes Aminah's certificate.
  it('a signature whose certificate was revoked after signing', async () => {
    before = backend.approvals().length;
    const doc = STH_DOCUMENTS[3];
    const signed = await signSth(doc);
    expect(await roamsign.services.ca.revoke(signed.certificateSerial, 'keyCompromise', 'test')).toBe('revoked');
    await expectRefused(await postSth(gate.url, doc, sthBody(sthFields(doc), signed), cookie), 403, 'certificate_revoked');
  });
});
