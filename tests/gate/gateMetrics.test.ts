import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGateConfig } from '../../gate/config.js';
import { startGate, type RunningGate } from '../../gate/startGate.js';
import { startLiveServer, type LiveServer } from '../e2e/liveServer.js';
import { AMINAH } from '../helpers/api.js';
import { testGateConfig } from './gateSetup.js';
import { STH_DOCUMENTS, startLegacyBackend, type LegacyBackend, type SthDocument } from './legacyBackend.js';
import { signatureInputs, signFields } from './signing.js';

// Issue 24: the gate is a process of its own and serves its own /metrics on a separate listener
// (config `metrics`); RoamSign counts the same decisions as approval decisions on its /metrics.

const TOKEN = 'gate-metrics-token-0123456789';
let roamsign: LiveServer;
let backend: LegacyBackend;
let gate: RunningGate;

beforeAll(async () => {
  [roamsign, backend] = await Promise.all([startLiveServer({ ROAMSIGN_LOG_LEVEL: 'silent', ROAMSIGN_METRICS_TOKEN: TOKEN }), startLegacyBackend()]);
  const config = testGateConfig({ upstream: backend.url, roamsign: roamsign.url });
  gate = await startGate(parseGateConfig({ ...config, metrics: { host: '127.0.0.1', port: 0 } }));
});
afterAll(async () => {
  await gate?.close();
  await Promise.all([backend?.close(), roamsign?.stop()]);
});

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf('}')).split(',');
    if (inside.length === wanted.length && wanted.every((w) => inside.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

const fields = (doc: SthDocument) => ({ noDokumen: doc.noDokumen, tarikh: doc.tarikh, vendor: doc.vendor, amaun: doc.amaun, keterangan: doc.keterangan });

async function post(doc: SthDocument, extra: [string, string][], cookie: string) {
  const body = new URLSearchParams([...Object.entries(fields(doc)), ['tindakan', 'lulus'], ...extra]).toString();
  const res = await fetch(`${gate.url}/sth/${doc.noDokumen}/approve`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie }, body, redirect: 'manual' });
  await res.arrayBuffer();
  return res.status;
}

describe('gate metrics', () => {
  it('counts each decision by system, rule, decision and reason, on its own listener; RoamSign counts them too', async () => {
    expect(gate.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const login = await fetch(`${gate.url}/login?user=${AMINAH.nric}`, { redirect: 'manual' });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const doc = STH_DOCUMENTS[2];
    expect(await post(doc, [], cookie)).toBe(403);
    const signed = await signFields(roamsign, { nric: AMINAH.nric, pin: AMINAH.pin, fields: fields(doc), idField: 'noDokumen' });
    expect(await post(doc, signatureInputs(signed), cookie)).toBeLessThan(400);

    const text = await (await fetch(gate.metricsUrl!)).text();
    expect(sample(text, 'roamsign_gate_decisions_total', { system: 'igfmas', rule: 'sth-lulus', decision: 'refuse', reason: 'unsigned' })).toBe(1);
    expect(sample(text, 'roamsign_gate_decisions_total', { system: 'igfmas', rule: 'sth-lulus', decision: 'pass', reason: 'roaming' })).toBe(1);
    expect(sample(text, 'roamsign_gate_decide_seconds_count', { decision: 'refuse' })).toBe(1);
    expect(text).not.toContain(AMINAH.nric);
    // The proxied port has no /metrics of its own: the path is the back end's.
    expect((await fetch(`${gate.url}/metrics`)).status).toBe((await fetch(`${backend.url}/metrics`)).status);

    const server = await (await fetch(`${roamsign.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
    expect(sample(server, 'roamsign_approval_decisions_total', { decision: 'refused', reason: 'unsigned' })).toBe(1);
    expect(sample(server, 'roamsign_approval_decisions_total', { decision: 'passed', reason: 'roaming' })).toBe(1);
  });
});
