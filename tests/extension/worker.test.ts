import { describe, expect, it } from 'vitest';
import { createWorker, type Sender } from '../../extension/lib/background/worker.js';
import type { HistoryEntry, Request, TabMessage } from '../../extension/lib/messages.js';
import { mergeSettings } from '../../extension/lib/settings.js';

const ID = 'apgnnmbkeccagmehfmhgimbpilbhclid';
const DIALOG = `chrome-extension://${ID}/dialog.html`;
const page: Sender = { id: ID, url: 'https://igfmas.anm.gov.my/sth?doc=1', origin: 'https://igfmas.anm.gov.my', tab: { id: 7 }, frameId: 3 };
const dialog: Sender = { id: ID, url: `${DIALOG}?job=job-1`, tab: { id: 7 }, frameId: 9 };
import { showDocument } from '../../shared/shownDocument.js';

const pageDocument = { fields: { noDokumen: 'STH-1', amaun: '12,500.00' }, idField: 'noDokumen', amountField: 'amaun' };
const job = { kind: 'page', nric: '900101011234', document: pageDocument };
/** What the dialog computes from the fields it shows. */
const shown = showDocument(pageDocument).document;

/** A worker over a fake server (fakes belong in unit tests only) that records every call. */
function setup(preferred: 'roaming' | 'token' = 'roaming', media: ('roaming' | 'token')[] = preferred === 'token' ? ['token'] : ['roaming'], issue: string | null = null) {
  const calls: { url: string; init: RequestInit }[] = [];
  const toTabs: { tabId: number; frameId: number; message: TabMessage }[] = [];
  let history: HistoryEntry[] = [];
  const device = { tokens: new Map<string, string>(), server: 'https://roamsign.gov.my' };
  const fetch = (async (url: string, init: RequestInit = {}) => {
    calls.push({ url, init });
    if (url.endsWith('/medium') && issue) return new Response(JSON.stringify({ nric: '900101011234', media, preferred }), { status: 200, headers: { 'X-RoamSign-Device': issue } });
    if (url.endsWith('/medium')) return new Response(JSON.stringify({ nric: '900101011234', media, preferred }), { status: 200 });
    if (url.endsWith('/complete')) return new Response(JSON.stringify({ error: { code: 'pin_invalid', message: 'PIN tidak sah.', details: { attemptsLeft: 4 } } }), { status: 401 });
    return new Response(JSON.stringify({ id: 'sr_abcdefghijklmnop' }), { status: 201 });
  }) as typeof globalThis.fetch;
  const handle = createWorker({
    extensionId: ID,
    dialogUrl: DIALOG,
    settings: async () => mergeSettings({ serverUrl: device.server }, {}),
    fetch,
    sendToTab: async (tabId, frameId, message) => void toTabs.push({ tabId, frameId, message }),
    history: { read: async () => history, write: async (entries) => void (history = entries) },
    deviceToken: { read: async (server) => device.tokens.get(server) ?? null, write: async (server, token) => void device.tokens.set(server, token) },
    now: () => Date.parse('2026-11-25T08:00:00Z'),
    randomId: () => 'job-1',
  });
  return { handle: (m: unknown, s: Sender) => handle(m as Request, s), calls, toTabs, history: () => history, device };
}

describe('extension worker', () => {
  it('starts a job for a content script, with the page origin taken from the browser', async () => {
    const w = setup();
    const reply = await w.handle({ type: 'rs:start', system: 'igfmas', job }, page);
    expect(reply).toEqual({ ok: true, value: { jobId: 'job-1', lang: 'ms', dialogUrl: DIALOG } });
    const headers = w.calls[0]!.init.headers as Record<string, string>;
    expect(w.calls[0]!.url).toBe('https://roamsign.gov.my/api/v1/users/900101011234/medium');
    expect(headers['X-RoamSign-Page-Origin']).toBe('https://igfmas.anm.gov.my');
  });

  it('keeps the device token the server hands it and sends it on every later call; ignores a malformed one', async () => {
    const token = 'A'.repeat(43);
    const w = setup('roaming', ['roaming'], token);
    expect((w.calls[0]?.init.headers as Record<string, string> | undefined)?.['X-RoamSign-Device']).toBeUndefined();
    await w.handle({ type: 'rs:start', system: 'igfmas', job }, page);
    expect((w.calls[0]!.init.headers as Record<string, string>)['X-RoamSign-Device']).toBeUndefined();
    expect(w.device.tokens.get('https://roamsign.gov.my')).toBe(token);
    await w.handle({ type: 'rs:start', system: 'igfmas', job }, page);
    expect((w.calls[1]!.init.headers as Record<string, string>)['X-RoamSign-Device']).toBe(token);
    const bad = setup('roaming', ['roaming'], 'not a token; secure');
    await bad.handle({ type: 'rs:start', system: 'igfmas', job }, page);
    expect(bad.device.tokens.get('https://roamsign.gov.my') ?? null).toBeNull();
  });

  it("never sends one server's device token to another server the options switch to", async () => {
    const w = setup('roaming', ['roaming'], 'B'.repeat(43));
    await w.handle({ type: 'rs:start', system: 'igfmas', job }, page);
    w.device.server = 'https://roamsign.other.gov.my';
    await w.handle({ type: 'rs:start', system: 'igfmas', job }, page);
    expect(w.calls[1]!.url).toBe('https://roamsign.other.gov.my/api/v1/users/900101011234/medium');
    expect((w.calls[1]!.init.headers as Record<string, string>)['X-RoamSign-Device']).toBeUndefined();
    // Each server's own token from then on.
    expect([...w.device.tokens.keys()]).toEqual(['https://roamsign.gov.my', 'https://roamsign.other.gov.my']);
  });

  it('opens a refusal without asking the server anything', async () => {
    const w = setup();
    expect(await w.handle({ type: 'rs:start', system: 'igfmas', job: { kind: 'refused', problem: 'no_officer' } }, page)).toEqual({ ok: true, value: { jobId: 'job-1', lang: 'ms', dialogUrl: DIALOG } });
    expect(w.calls).toEqual([]);
  });

  it('tells a token officer to go ahead with the legacy flow', async () => {
    const w = setup('token');
    expect(await w.handle({ type: 'rs:start', system: 'igfmas', job }, page)).toEqual({ ok: true, value: { token: true } });
  });

  it('opens the dialog (and the server\'s refusal) for a Roaming-only officer who may not sign now', async () => {
    const w = setup('token', ['roaming']);
    expect(await w.handle({ type: 'rs:start', system: 'igfmas', job }, page)).toEqual({ ok: true, value: { jobId: 'job-1', lang: 'ms', dialogUrl: DIALOG } });
  });

  it.each([
    ['another extension', { ...page, id: 'otherextension' }],
    ['an extension page', { ...page, url: `chrome-extension://${ID}/options.html`, origin: `chrome-extension://${ID}` }],
    ['no tab', { ...page, tab: undefined }],
  ])('refuses a start from %s', async (_name, sender) => {
    const reply = await setup().handle({ type: 'rs:start', system: 'igfmas', job }, sender as Sender);
    expect(reply).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it.each([
    [{ type: 'rs:start', system: 'Not An Id', job }],
    [{ type: 'rs:start', system: 'igfmas', job: { ...job, nric: '9001' } }],
    [{ type: 'rs:start', system: 'igfmas', job: { ...job, document: { ...pageDocument, fields: {} } } }],
    [{ type: 'rs:start', system: 'igfmas', job: { ...job, document: { ...pageDocument, idField: 'nope' } } }],
    [{ type: 'rs:start', system: 'igfmas', job: { kind: 'refused', problem: 'whatever' } }],
    [{ type: 'rs:nonsense' }],
    [null],
  ])('answers bad_request to %j', async (message) => {
    expect(await setup().handle(message, page)).toMatchObject({ ok: false, code: 'bad_request' });
  });

  it('gives the job only to its own dialog page in the same tab', async () => {
    const w = setup();
    await w.handle({ type: 'rs:start', system: 'igfmas', job }, page);
    expect(await w.handle({ type: 'rs:job', jobId: 'job-1' }, dialog)).toMatchObject({ ok: true, value: { input: job, pageOrigin: 'https://igfmas.anm.gov.my' } });
    expect(w.toTabs).toEqual([{ tabId: 7, frameId: 3, message: { type: 'rs:opened', jobId: 'job-1' } }]);
    expect(await w.handle({ type: 'rs:job', jobId: 'job-1' }, { ...dialog, tab: { id: 8 } })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await w.handle({ type: 'rs:job', jobId: 'job-1' }, page)).toMatchObject({ ok: false, code: 'not_found' });
    expect(await w.handle({ type: 'rs:job', jobId: 'job-2' }, dialog)).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('forwards API errors with their codes, and creates only with the digest of the job\'s own fields', async () => {
    const w = setup();
    await w.handle({ type: 'rs:start', system: 'igfmas', job }, page);
    const other = { ...shown, digest: Buffer.alloc(32, 9).toString('base64') };
    expect(await w.handle({ type: 'rs:api', jobId: 'job-1', op: 'create', documents: [other] }, dialog)).toMatchObject({ ok: false, code: 'bad_request' });
    await w.handle({ type: 'rs:api', jobId: 'job-1', op: 'create', documents: [shown] }, dialog);
    expect(JSON.parse(w.calls[1]!.init.body as string)).toEqual({ nric: '900101011234', system: 'igfmas', documents: [shown] });
    const reply = await w.handle({ type: 'rs:api', jobId: 'job-1', op: 'complete', requestId: 'sr_abcdefghijklmnop', pin: '000000', otp: '123456' }, dialog);
    expect(reply).toEqual({ ok: false, code: 'pin_invalid', message: 'PIN tidak sah.', details: { attemptsLeft: 4 } });
    expect(await w.handle({ type: 'rs:api', jobId: 'job-1', op: 'complete', requestId: '../../admin', pin: '1', otp: '1' }, dialog)).toMatchObject({ ok: false, code: 'bad_request' });
  });

  it('a batch (kelulusan pukal) creates only with every document of the job, each its own digest, in the job\'s order', async () => {
    const second = { fields: { noDokumen: 'STH-2', amaun: '1,000.00' }, idField: 'noDokumen', amountField: 'amaun' };
    const batch = { kind: 'pages', nric: '900101011234', documents: [pageDocument, second] };
    const both = [shown, showDocument(second).document];
    const w = setup();
    await w.handle({ type: 'rs:start', system: 'igfmas', job: batch }, page);
    for (const wrong of [[both[0]], [both[1], both[0]], [both[0], { ...both[1]!, digest: shown.digest }], [...both, shown]]) {
      expect(await w.handle({ type: 'rs:api', jobId: 'job-1', op: 'create', documents: wrong }, dialog)).toMatchObject({ ok: false, code: 'bad_request' });
    }
    await w.handle({ type: 'rs:api', jobId: 'job-1', op: 'create', documents: both }, dialog);
    expect(JSON.parse(w.calls[1]!.init.body as string)).toEqual({ nric: '900101011234', system: 'igfmas', documents: both });
  });

  it('hands the outcome to the page frame that asked, records it, and forgets the job', async () => {
    const w = setup();
    await w.handle({ type: 'rs:start', system: 'igfmas', job }, page);
    const outcome = { type: 'signed' as const, requestId: 'sr_abcdefghijklmnop', signatures: [{ documentId: 'STH-1', signature: 'MII=', certificateSerial: '0a' }] };
    expect(await w.handle({ type: 'rs:done', jobId: 'job-1', outcome }, dialog)).toEqual({ ok: true, value: null });
    expect(w.toTabs).toEqual([{ tabId: 7, frameId: 3, message: { type: 'rs:outcome', jobId: 'job-1', outcome } }]);
    expect(w.history()).toEqual([{ requestId: 'sr_abcdefghijklmnop', documentId: 'STH-1', system: 'igfmas', pageOrigin: 'https://igfmas.anm.gov.my', signedAt: '2026-11-25T08:00:00.000Z' }]);
    expect(await w.handle({ type: 'rs:job', jobId: 'job-1' }, dialog)).toMatchObject({ ok: false, code: 'not_found' });
  });
});
