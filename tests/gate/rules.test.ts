import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectApproval } from '../../gate/collectApproval.js';
import { expandEnv, loadGateConfig, parseGateConfig, type GateRule } from '../../gate/config.js';
import { createMatcher, normalisedPath } from '../../gate/matchRoutes.js';
import { canonicalPath, checkTarget, pathReadings } from '../../gate/requestTarget.js';
import { parseFields } from '../../gate/parseFields.js';
import { widgetCsp } from '../../gate/widgetCsp.js';
import { documentDigest } from '../../shared/document.js';
import { freePort } from '../helpers/freePort.js';
import { testGateConfig } from './gateSetup.js';

const config = testGateConfig({ upstream: 'http://127.0.0.1:1', roamsign: 'http://127.0.0.1:2' });
const sthRule = config.systems[0]!.rules[0]!;

describe('which requests are approvals', () => {
  it.each([
    ['/sth/STH-1/approve', '/sth/sth-1/approve'],
    ['//sth//STH-1///approve/', '/sth/sth-1/approve'],
    ['/sth/STH-1/%61pprove', '/sth/sth-1/approve'],
    ['/STH/STH-1/APPROVE?x=1', '/sth/sth-1/approve'],
  ])('%s is read as %s', (raw, expected) => {
    expect(normalisedPath(raw)).toBe(expected);
  });

  it.each([
    ['*/../sth/STH-1/approve', '/sth/STH-1/approve'],
    ['/sth/./x/../STH-1/approve', '/sth/STH-1/approve'],
    ['/sth/%2e%2E/sth/STH-1/approve', '/sth/STH-1/approve'],
    ['/sth\\STH-1\\approve', '/sth/STH-1/approve'],
    ['http://legacy.example/sth/STH-1/approve', '/sth/STH-1/approve'],
    ['/sth/STH-1/approve#x', '/sth/STH-1/approve'],
    ['/sth/STH-1/approve\u0001', null],
  ])('the target %s is refused (a lenient reader makes %s of it)', (raw, reading) => {
    const checked = checkTarget(raw);
    expect(checked.ok).toBe(false);
    if (reading !== null) expect(!checked.ok && checked.reading).toBe(reading);
  });

  it('a plain target is forwarded as WHATWG URL gives it (percent-encoding only)', () => {
    expect(checkTarget('/sth/STH-1/approve?user=1')).toEqual({ ok: true, target: '/sth/STH-1/approve?user=1' });
    expect(checkTarget('/a/{b}')).toEqual({ ok: true, target: '/a/%7Bb%7D' });
  });

  it.each([
    ['/sth/STH-1/approve;jsessionid=0A1B2C'],
    ['/sth/STH-1/approve%3Bx=1'],
    ['/sth/STH%2F1/approve'],
    ['/sth/STH-1%5Cx/approve'],
    ['/sth/STH-1%00/approve'],
    ['/sth/STH-1%252F/approve'],
  ])('%s is matched by one of its readings, and has no canonical reading (refused)', (raw) => {
    expect(createMatcher(config).approval('POST', raw)?.rule.id ?? createMatcher({ ...config, systems: [{ ...config.systems[0]!, rules: [{ ...sthRule, path: '/sth/*' }] }] }).approval('POST', raw)?.rule.id).toBeDefined();
    expect(canonicalPath(raw)).toEqual({ ok: false });
  });

  it('the canonical path keeps the case, drops empty segments and encodes one way', () => {
    expect(canonicalPath('//STH/STH%2D1/%61pprove/')).toEqual({ ok: true, segments: ['STH', 'STH-1', 'approve'], path: '/STH/STH-1/approve' });
    expect(canonicalPath('/sth/Caf%C3%A9%20(1)/approve')).toEqual({ ok: true, segments: ['sth', 'Café (1)', 'approve'], path: '/sth/Caf%C3%A9%20%281%29/approve' });
  });

  it('a %2F in a segment is matched the way an Express router reads it (one :docNo)', () => {
    expect(pathReadings('/sth/STH%2F1/approve')).toContain('/sth/sth/1/approve');
    expect(createMatcher(config).approval('POST', '/sth/STH%2F1/approve')?.rule.id).toBe('sth-lulus');
  });

  it('matches method and path; other methods and paths are not approvals', () => {
    const matcher = createMatcher(config);
    expect(matcher.approval('POST', '//sth/STH-1/%61pprove')?.rule.id).toBe('sth-lulus');
    expect(matcher.approval('post', '/api/orders/PO-1/approve')?.rule.id).toBe('pesanan-lulus');
    expect(matcher.approval('GET', '/sth/STH-1/approve')).toBeUndefined();
    expect(matcher.approval('POST', '/sth/STH-1/comment')).toBeUndefined();
    expect(matcher.page('GET', '/sth/STH-1')?.attributes).toMatchObject({ 'data-system': 'igfmas', 'data-buttons': '#btnLulus', 'data-officer': '#idPengguna' });
    expect(matcher.page('POST', '/sth/STH-1')).toBeUndefined();
  });
});

describe('reading a post the way the rule says', () => {
  const fields = { noDokumen: 'STH-1', tarikh: '01/01/2026', vendor: 'ABC', amaun: '1.00', keterangan: 'x' };
  const read = (posted: [string, string][], rule: GateRule = sthRule, url = '/sth/STH-1/approve') => {
    const values = (name: string) => posted.filter(([n]) => n === name).map(([, v]) => v);
    return collectApproval({ rule, fields: values, url: new URL(`http://gate${url}`), headers: {}, session: async () => '900101-01-1234', params: { docNo: url.split('/')[2]!.split('?')[0]! } });
  };

  it('recomputes the canonical document from the posted fields (shared/document.ts)', async () => {
    const collected = await read([...Object.entries(fields), ['tindakan', 'lulus'], ['unrelated', 'ignored']]);
    expect(collected).toMatchObject({ approval: true, request: { rule: 'sth-lulus', officer: '900101011234', signature: null, maxAgeSeconds: 600 } });
    if (!collected.approval) throw new Error('not an approval');
    expect(collected.request.document!.digest).toBe(await documentDigest(fields));
    expect(collected.request.finding).toBeUndefined();
  });

  it.each<[string, [string, string][], string | null]>([
    ['another action is no approval', [['tindakan', 'simpan']], null],
    ['the marker in capitals and spaces is still one', [['tindakan', ' LULUS ']], 'document_incomplete'],
    ['a marker given twice', [['tindakan', 'simpan'], ['tindakan', 'lulus'], ...Object.entries(fields)], 'field_repeated'],
    ['a document field given twice', [['tindakan', 'lulus'], ...Object.entries(fields), ['amaun', '2.00']], 'field_repeated'],
    ['a missing document field', [['tindakan', 'lulus'], ...Object.entries(fields).filter(([n]) => n !== 'vendor')], 'document_incomplete'],
    ['a marker Java folds to lulus (luluſ)', [['tindakan', 'lulu\u017f'], ...Object.entries(fields)], 'field_malformed'],
    ['a marker with a control character Java trims', [['tindakan', 'lulus\u0000'], ...Object.entries(fields)], 'field_malformed'],
    ['a marker with a Unicode space JavaScript trims', [['tindakan', '\u00a0lulus'], ...Object.entries(fields)], 'field_malformed'],
    ['a marker with a Kelvin sign (K) is no approval here, lulus has no k', [['tindakan', '\u212aulus'], ...Object.entries(fields)], null],
    ['a document field with a control character', [['tindakan', 'lulus'], ...Object.entries({ ...fields, vendor: 'ABC\u0000' })], 'field_malformed'],
    ['a document named in the URL other than the posted one', [['tindakan', 'lulus'], ...Object.entries({ ...fields, noDokumen: 'STH-2' })], 'url_mismatch'],
    ['a request id that is not one', [['tindakan', 'lulus'], ...Object.entries(fields), ['roamsign_signature', 'AAAA'], ['roamsign_request_id', "sr_x' or 1=1"]], 'body_malformed'],
  ])('%s', async (_name, posted, finding) => {
    const collected = await read(posted);
    if (finding === null) return expect(collected).toEqual({ approval: false });
    expect(collected).toMatchObject({ approval: true, request: { finding } });
  });

  it('takes the officer from a posted field, a query parameter (with its default) or a header', async () => {
    const base = { ...sthRule, marker: { always: true as const } };
    const field = await read([...Object.entries(fields), ['pegawai', '880202-02-5678']], { ...base, officer: { field: 'pegawai' } });
    expect(field.approval && field.request.officer).toBe('880202025678');
    const query = await read(Object.entries(fields), { ...base, officer: { query: 'user' } }, '/sth/STH-1/approve?user=750303039999');
    expect(query.approval && query.request.officer).toBe('750303039999');
    const fallback = await read(Object.entries(fields), { ...base, officer: { query: 'user', default: '900101011234' } });
    expect(fallback.approval && fallback.request.officer).toBe('900101011234');
    const none = await read(Object.entries(fields), { ...base, officer: { header: 'X-Remote-User' } });
    expect(none.approval && none.request.finding).toBe('officer_missing');
  });
});

describe('parsing approval bodies', () => {
  const parse = (body: 'form' | 'multipart' | 'json', contentType: string, raw: string, url = 'http://gate/sth/STH-1/approve') =>
    parseFields({ ...sthRule, body }, { 'content-type': contentType }, Buffer.from(raw), new URL(url));
  const values = async (parsed: ReturnType<typeof parse>, name: string) => {
    const p = await parsed;
    if (!p.ok) throw new Error(p.finding);
    return p.values(name);
  };

  it('form fields are one field whatever their case, and the query string counts too (servlet / ASP.NET)', async () => {
    expect(await values(parse('form', 'application/x-www-form-urlencoded', 'noDokumen=A&NoDokumen=B'), 'noDokumen')).toEqual(['A', 'B']);
    expect(await values(parse('form', 'application/x-www-form-urlencoded; charset=UTF-8', 'amaun=1.00', 'http://gate/x?Amaun=9.00'), 'amaun')).toEqual(['9.00', '1.00']);
    expect(await values(parse('form', 'application/x-www-form-urlencoded', 'keterangan=Bekalan+%C3%A9t%C3%A9'), 'keterangan')).toEqual(['Bekalan été']);
  });

  it('JSON keys are compared case-blind, nested by dots; two keys differing in case are ambiguous', async () => {
    expect(await values(parse('json', 'application/json', '{"order":{"Total":"5.00"}}'), 'order.total')).toEqual(['5.00']);
    expect(await values(parse('json', 'application/json', '{"amaun":"1","Amaun":"2"}'), 'amaun')).toHaveLength(2);
    expect(await values(parse('json', 'application/vnd.api+json', '{"amaun":["1"]}'), 'amaun')).toHaveLength(2);
    expect(await values(parse('json', 'application/json', '{"amaun":12.5}'), 'amaun')).toEqual(['12.5']);
  });

  it.each([
    ['form', 'application/json', 'a=1', 'body_type'],
    ['json', 'text/plain', '{}', 'body_type'],
    ['json', 'application/json', '{"a":', 'body_malformed'],
    ['json', 'application/json', '[1,2]', 'body_malformed'],
    ['multipart', 'multipart/form-data; boundary=x', 'not multipart at all', 'body_malformed'],
    ['multipart', 'multipart/form-data', '--x--', 'body_type'],
  ] as const)('%s sent as %s: %s -> %s', async (body, type, raw, finding) => {
    expect(await parse(body, type, raw)).toEqual({ ok: false, finding });
  });
});

describe('widening a page CSP for the widget', () => {
  const R = 'https://roamsign.example.gov.my';
  it.each([
    ["default-src 'self'", `default-src 'self'; script-src 'self' ${R}; frame-src 'self' ${R}`],
    ["default-src 'self'; script-src 'self' 'unsafe-inline'; frame-src 'none'", `default-src 'self'; script-src 'self' 'unsafe-inline' ${R}; frame-src ${R}`],
    ["script-src 'self'; child-src 'self'", `script-src 'self' ${R}; child-src 'self'; frame-src 'self' ${R}`],
    ["img-src 'self'", "img-src 'self'"],
    [`script-src * ; frame-src ${R}`, `script-src *; frame-src ${R}`],
    ["default-src 'self', script-src 'none'", `default-src 'self'; script-src 'self' ${R}; frame-src 'self' ${R}, script-src ${R}`],
  ])('%s', (policy, widened) => {
    expect(widgetCsp(policy, R)).toBe(widened);
  });
});

describe('gate configuration', () => {
  const valid = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  it.each<[string, (c: any) => void, string]>([
    ['no systems', (c) => (c.systems = []), 'systems'],
    ['a rule without a document', (c) => (c.systems[0].rules[0].document = {}), 'document'],
    ['an unknown body type', (c) => (c.systems[0].rules[0].body = 'xml'), 'body'],
    ['require_field without a field', (c) => (c.systems[0].rules[0].tokenOfficers = { policy: 'require_field' }), 'field'],
    ['two rules on one path', (c) => c.systems[0].rules.push({ ...c.systems[0].rules[0], id: 'again' }), 'two rules'],
    ['a secret given two ways', (c) => (c.systems[0].client = { id: 'x', secret: 'a', secretEnv: 'B' }), 'exactly one'],
    ['a freshness window of two days', (c) => (c.systems[0].rules[0].freshnessSeconds = 172800), 'freshnessSeconds'],
    ['an unknown setting', (c) => (c.cache = true), 'cache'],
    ['an upstream that is not http', (c) => (c.upstream = 'ftp://legacy'), 'upstream'],
    ['a bound path parameter the path does not have', (c) => (c.systems[0].rules[0].bind = { path: { no: 'noDokumen' } }), ':no is not a fixed segment'],
    ['a bound parameter after a wildcard', (c) => ((c.systems[0].rules[0].path = '/sth/*/:docNo/approve'), (c.systems[0].rules[0].bind = { path: { docNo: 'noDokumen' } })), ':docNo is not a fixed segment'],
    ['a binding to a field that is not in the document', (c) => (c.systems[0].rules[0].bind = { query: { id: 'nombor' } }), 'nombor is not a document field'],
    ['an officer named in the query with tokenOfficers pass', (c) => ((c.systems[0].rules[0].officer = { query: 'user' }), (c.systems[0].rules[0].tokenOfficers = { policy: 'pass' })), 'anyone can approve'],
    ['an officer named in a posted field with tokenOfficers pass', (c) => ((c.systems[0].rules[0].officer = { field: 'pegawai' }), (c.systems[0].rules[0].tokenOfficers = { policy: 'pass' })), '--allow-unsafe'],
  ])('refuses %s, naming it', (_name, spoil, named) => {
    const copy = JSON.parse(JSON.stringify(valid));
    spoil(copy);
    expect(() => parseGateConfig(copy)).toThrow(new RegExp(named));
  });

  it('--allow-unsafe accepts an unsafe rule with a warning; session and header officers with pass are safe', () => {
    const copy = JSON.parse(JSON.stringify(valid));
    copy.systems[0].rules[0].officer = { query: 'user' };
    copy.systems[0].rules[0].tokenOfficers = { policy: 'pass' };
    const warnings: string[] = [];
    expect(parseGateConfig(copy, { allowUnsafe: true, warn: (line) => warnings.push(line) }).systems[0]!.rules[0]!.tokenOfficers.policy).toBe('pass');
    expect(warnings).toEqual([expect.stringContaining('WARNING (unsafe gate rule): systems.0.rules.0 (sth-lulus)')]);
    for (const officer of [{ session: { path: '/whoami', property: 'nric' } }, { header: 'X-Remote-User' }]) {
      copy.systems[0].rules[0].officer = officer;
      expect(() => parseGateConfig(copy)).not.toThrow();
    }
  });

  it('no shipped example trusts a client-named officer with tokenOfficers pass, and each binds its URL to the document', () => {
    const example = loadGateConfig('gate/examples/gate.json');
    for (const rule of example.systems.flatMap((s) => s.rules)) {
      expect(rule.tokenOfficers.policy === 'pass' && ('query' in rule.officer || 'field' in rule.officer)).toBe(false);
      expect(Object.keys(rule.bind?.path ?? {})).toHaveLength(1);
    }
  });

  it('the worked example for the demo screens is valid', () => {
    const example = loadGateConfig('gate/examples/gate.json');
    expect(example.systems.map((s) => s.id)).toEqual(['igfmas', 'speks']);
    expect(example.systems[0]!.rules[0]!.signatureFields).toEqual({ signature: 'roamsign_signature', requestId: 'roamsign_request_id', documentId: 'roamsign_document_id' });
  });

  it('the example takes its ports from the environment or --port (issue 23 item 2), defaults 8788 in front of 8787', () => {
    const plain = loadGateConfig('gate/examples/gate.json', { env: {} });
    expect(plain.listen.port).toBe(8788);
    expect([plain.upstream, plain.roamsign.url]).toEqual(['http://localhost:8787', 'http://localhost:8787']);
    const moved = loadGateConfig('gate/examples/gate.json', { env: { PORT: '19100', ROAMSIGN_GATE_PORT: '19101' } });
    expect(moved.listen.port).toBe(19101);
    expect([moved.upstream, moved.roamsign.url]).toEqual(['http://localhost:19100', 'http://localhost:19100']);
    const publicUrl = loadGateConfig('gate/examples/gate.json', { env: { ROAMSIGN_PUBLIC_URL: 'https://roamsign.anm.gov.my', PORT: '19100' }, port: 9000 });
    expect(publicUrl.listen.port).toBe(9000);
    expect(publicUrl.roamsign.url).toBe('https://roamsign.anm.gov.my');
    expect(() => expandEnv('"${NOT_SET_ANYWHERE}"', {})).toThrow(/\$\{NOT_SET_ANYWHERE\} is not set and has no default/);
  });

  it('npm run roamsign -- gate --config starts the gate, and a bad file stops it with a message', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-gate-'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ ...valid, systems: [] }));
    const good = path.join(dir, 'gate.json');
    const port = await freePort();
    fs.writeFileSync(good, JSON.stringify({ ...valid, listen: { host: '127.0.0.1', port } }));
    // `npm run roamsign` is `tsx server/cli.ts`; node with tsx's loader runs the same code without
    // tsx's signal relay, which gives up after 30 ms on a busy machine.
    const run = (file: string) => spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'gate', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });

    const refused = run(bad);
    let refusedOut = '';
    refused.stderr.on('data', (d: Buffer) => (refusedOut += d));
    expect(await new Promise((resolve) => refused.once('exit', resolve))).toBe(1);
    expect(refusedOut).toContain('Invalid gate configuration');
    expect(refusedOut).toContain('systems');

    const started = run(good);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      started.stdout.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('RoamSign Gate listening')) resolve();
      });
      started.once('exit', () => reject(new Error(`gate exited: ${out}`)));
    });
    expect(out).toContain(`http://127.0.0.1:${port}`);
    expect(out).toContain('POST   /sth/:docNo/approve  (sth-lulus, form)');
    const exited = new Promise((resolve) => started.once('exit', resolve));
    // As a service manager stops it: the gate closes and exits 0.
    process.kill(started.pid!, 'SIGTERM');
    const code = await exited;
    try {
      process.kill(-started.pid!, 'SIGKILL'); // nothing should be left; if it is, do not leave it running
    } catch {
      /* already gone */
    }
    expect(code).toBe(0);
  }, 60_000);
});
