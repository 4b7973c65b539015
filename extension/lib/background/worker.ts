import { readApiAnswer } from '../../../shared/apiAnswer.js';
import { usesTokenFlow, type MediumAnswer } from '../../../shared/schemas/medium.js';
import type { CompletedSigningRequest } from '../../../shared/schemas/signingRequest.js';
import { parseJobInput } from '../../../shared/jobInput.js';
import { showDocument } from '../../../shared/shownDocument.js';
import { isSystemId, type SystemId } from '../../../shared/systems.js';
import { DEVICE_TOKEN_HEADER, PAGE_ORIGIN_HEADER, type JobInput, type SignDocument } from '../../../shared/widgetProtocol.js';
import type { HistoryEntry, JobView, Reply, Request, TabMessage } from '../messages.js';
import type { EffectiveSettings } from '../settings.js';

/** Who sent a message, as the browser tells it (runtime.MessageSender). */
export interface Sender {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number };
  frameId?: number;
}

interface Job {
  tabId: number;
  frameId: number;
  pageOrigin: string;
  system: SystemId;
  input: JobInput;
  lang: 'ms' | 'en';
  serverUrl: string;
  createdAt: number;
}

export interface WorkerDeps {
  extensionId: string;
  /** The dialog page's URL prefix (chrome-extension://<id>/dialog.html). */
  dialogUrl: string;
  /** The same page under the extension's fixed id: the browser may report the dialog's sender URL with either. */
  dialogUrlFixed?: string;
  settings(): Promise<EffectiveSettings>;
  fetch: typeof fetch;
  sendToTab(tabId: number, frameId: number, message: TabMessage): Promise<unknown>;
  history: { read(): Promise<HistoryEntry[]>; write(entries: HistoryEntry[]): Promise<void> };
  /**
   * The device token each server gave after a signature (docs/security.md): this browser's own
   * budget there. Kept per server origin: a token is a bearer secret, never sent to another server.
   */
  deviceToken: { read(server: string): Promise<string | null>; write(server: string, token: string): Promise<void> };
  now(): number;
  randomId(): string;
  /**
   * Issue 11: opens `url` (RoamSign's passkey ceremony page) in a popup window and resolves with the
   * assertion it hands back in its fragment, or null when the officer closes it.
   */
  runCeremony?(url: string): Promise<unknown>;
}

const JOB_LIFETIME_MS = 20 * 60 * 1000;
const HISTORY_SIZE = 10;

const fail = (code: Extract<Reply<never>, { ok: false }>['code'], message: string, details?: Record<string, unknown>): Reply<never> => ({
  ok: false,
  code,
  message,
  ...(details ? { details } : {}),
});

/**
 * The documents a job may sign. For documents read from the page (one, or a batch), the dialog
 * sends the digests of the fields it shows; they must be exactly the digests of the job's fields,
 * in the job's order.
 */
function documentsToSign(input: JobInput, fromDialog: unknown): SignDocument[] | null {
  if (input.kind === 'digests') return input.documents;
  if (input.kind === 'refused') return null;
  const expected = (input.kind === 'page' ? [input.document] : input.documents).map((d) => showDocument(d).document);
  const sent = Array.isArray(fromDialog) && fromDialog.length === expected.length ? (fromDialog as Partial<SignDocument>[]) : null;
  return sent && expected.every((d, i) => sent[i]?.digest === d.digest && sent[i]?.id === d.id) ? expected : null;
}

/**
 * The extension's service worker: the only part that talks to the RoamSign server, so no page CSP
 * or CORS rule can break signing. It takes the page origin from the browser (sender), re-validates
 * every message, and forgets a job (and everything typed for it) once the job ends.
 */
export function createWorker(deps: WorkerDeps) {
  const jobs = new Map<string, Job>();

  function pageOriginOf(sender: Sender): string | null {
    const origin = sender.origin ?? (sender.url ? new URL(sender.url).origin : null);
    return origin && origin !== 'null' ? origin : null;
  }

  function fromContentScript(sender: Sender): boolean {
    return sender.id === deps.extensionId && typeof sender.tab?.id === 'number' && !(sender.url ?? '').startsWith(`chrome-extension://`) && !(sender.url ?? '').startsWith('moz-extension://');
  }

  /** The job a dialog asks about: only our own dialog page, in the tab the job belongs to. */
  function jobForDialog(jobId: unknown, sender: Sender): Job | null {
    const url = sender.url ?? '';
    if (typeof jobId !== 'string' || sender.id !== deps.extensionId || !(url.startsWith(`${deps.dialogUrl}?`) || (deps.dialogUrlFixed && url.startsWith(`${deps.dialogUrlFixed}?`)))) return null;
    const job = jobs.get(jobId);
    if (!job || job.tabId !== sender.tab?.id || deps.now() - job.createdAt > JOB_LIFETIME_MS) return null;
    return job;
  }

  async function api<T>(serverUrl: string, pageOrigin: string, lang: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply<T>> {
    let response: Response;
    const server = new URL(serverUrl).origin;
    const device = await deps.deviceToken.read(server);
    try {
      response = await deps.fetch(`${serverUrl}/api/v1${path}`, {
        method,
        headers: {
          Accept: 'application/json',
          'Accept-Language': lang,
          [PAGE_ORIGIN_HEADER]: pageOrigin,
          ...(device ? { [DEVICE_TOKEN_HEADER]: device } : {}),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      return fail('unreachable', lang === 'en' ? 'The RoamSign server cannot be reached.' : 'Pelayan RoamSign tidak dapat dihubungi.');
    }
    const issued = response.headers.get(DEVICE_TOKEN_HEADER);
    if (issued && /^[A-Za-z0-9_-]{43}$/.test(issued) && issued !== device) await deps.deviceToken.write(server, issued);
    const answer = await readApiAnswer<T>(response);
    return answer.ok ? answer : fail(answer.code, answer.message ?? answer.code, answer.details);
  }

  async function start(message: Extract<Request, { type: 'rs:start' }>, sender: Sender): Promise<Reply<{ token: true } | { jobId: string; lang: string; dialogUrl: string }>> {
    if (!fromContentScript(sender)) return fail('forbidden', 'not from a content script');
    const pageOrigin = pageOriginOf(sender);
    if (!pageOrigin) return fail('origin_not_allowed', 'no page origin');
    const input = parseJobInput(message.job);
    if (!isSystemId(message.system) || !input) return fail('bad_request', 'malformed sign request');
    const { settings } = await deps.settings();
    if (input.kind !== 'refused') {
      const medium = await api<MediumAnswer>(settings.serverUrl, pageOrigin, settings.lang, 'GET', `/users/${input.nric}/medium`);
      if (!medium.ok) return medium;
      if (usesTokenFlow(medium.value)) return { ok: true, value: { token: true } };
    }
    const jobId = deps.randomId();
    for (const [id, job] of jobs) if (deps.now() - job.createdAt > JOB_LIFETIME_MS) jobs.delete(id);
    jobs.set(jobId, {
      tabId: sender.tab!.id!,
      frameId: sender.frameId ?? 0,
      pageOrigin,
      system: message.system,
      input,
      lang: settings.lang,
      serverUrl: settings.serverUrl,
      createdAt: deps.now(),
    });
    // Where the content script frames the dialog: with use_dynamic_url, only the worker's URL (the session's dynamic id) loads in a page.
    return { ok: true, value: { jobId, lang: settings.lang, dialogUrl: deps.dialogUrl } };
  }

  async function done(job: Job, jobId: string, message: Extract<Request, { type: 'rs:done' }>): Promise<Reply<null>> {
    jobs.delete(jobId);
    const outcome = message.outcome;
    if (outcome?.type === 'signed') {
      const entries = outcome.signatures.map((s) => ({ requestId: outcome.requestId, documentId: s.documentId, system: job.system, pageOrigin: job.pageOrigin, signedAt: new Date(deps.now()).toISOString() }));
      await deps.history.write([...entries, ...(await deps.history.read())].slice(0, HISTORY_SIZE));
    }
    await deps.sendToTab(job.tabId, job.frameId, { type: 'rs:outcome', jobId, outcome }).catch(() => undefined);
    return { ok: true, value: null };
  }

  return async function handle(message: Request, sender: Sender): Promise<Reply<unknown>> {
    if (!message || typeof message !== 'object' || typeof (message as { type?: unknown }).type !== 'string') return fail('bad_request', 'not a message');
    switch (message.type) {
      case 'rs:start':
        return start(message, sender);
      case 'rs:job': {
        const job = jobForDialog(message.jobId, sender);
        if (!job) return fail('not_found', 'no such job');
        // The content script waits for this: a dialog that never asks was blocked, and it says so.
        await deps.sendToTab(job.tabId, job.frameId, { type: 'rs:opened', jobId: message.jobId }).catch(() => undefined);
        return { ok: true, value: { system: job.system, input: job.input, pageOrigin: job.pageOrigin, lang: job.lang } satisfies JobView };
      }
      case 'rs:api': {
        const job = jobForDialog(message.jobId, sender);
        if (!job) return fail('not_found', 'no such job');
        const id = typeof message.requestId === 'string' && /^sr_[\w-]+$/.test(message.requestId) ? message.requestId : null;
        const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => api<T>(job.serverUrl, job.pageOrigin, job.lang, method, path, body);
        if (message.op === 'create') {
          const documents = documentsToSign(job.input, message.documents);
          if (!documents || job.input.kind === 'refused') return fail('bad_request', 'not the job\'s documents');
          return call('POST', '/signing-requests', { nric: job.input.nric, system: job.system, documents });
        }
        if (!id) return fail('bad_request', 'no request id');
        if (message.op === 'resend') return call('POST', `/signing-requests/${id}/otp`);
        if (message.op === 'cancel') return call('POST', `/signing-requests/${id}/cancel`);
        if (message.op === 'complete' && typeof message.pin === 'string' && typeof message.otp === 'string') {
          return call<CompletedSigningRequest>('POST', `/signing-requests/${id}/complete`, { pin: message.pin, otp: message.otp });
        }
        if (message.op === 'passkeyOffer') return call('POST', `/signing-requests/${id}/passkey`);
        if (message.op === 'completePasskey' && typeof message.pin === 'string') {
          return call<CompletedSigningRequest>('POST', `/signing-requests/${id}/complete-passkey`, { pin: message.pin, credential: message.credential });
        }
        if (message.op === 'passkeyAssert' && message.options && typeof message.options === 'object') {
          // The ceremony needs RoamSign's origin (the RP): a RoamSign popup, options in its fragment only.
          if (!deps.runCeremony) return fail('unsupported_request', 'no passkey ceremony here');
          const fragment = btoa(unescape(encodeURIComponent(JSON.stringify(message.options)))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
          const credential = await deps.runCeremony(`${job.serverUrl}/passkey/ceremony?lang=${job.lang}#o=${fragment}`);
          return credential === null ? fail('cancelled', 'passkey ceremony closed') : { ok: true, value: credential };
        }
        return fail('bad_request', 'unknown operation');
      }
      case 'rs:done': {
        const job = jobForDialog(message.jobId, sender);
        if (!job) return fail('not_found', 'no such job');
        return done(job, message.jobId, message);
      }
      case 'rs:health': {
        const { settings } = await deps.settings();
        const serverUrl = (typeof message.serverUrl === 'string' && /^https?:\/\//.test(message.serverUrl) ? message.serverUrl : settings.serverUrl).replace(/\/+$/, '');
        try {
          const res = await deps.fetch(`${serverUrl}/api/v1/health`);
          const body = (await res.json()) as { status?: string; version?: string };
          return res.ok && body.status === 'ok' ? { ok: true, value: { serverUrl, version: body.version } } : fail('unreachable', `HTTP ${res.status}`);
        } catch {
          return fail('unreachable', serverUrl);
        }
      }
      case 'rs:settings':
        return { ok: true, value: await deps.settings() };
      case 'rs:history':
        return { ok: true, value: await deps.history.read() };
      default:
        return fail('bad_request', 'unknown message');
    }
  };
}
