import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import type { ApprovalRequest, GateFinding } from '../shared/schemas/approval.js';
import { collectApproval, type Collected, type SessionOfficer } from './collectApproval.js';
import { clientSecretOf, type GateConfig, type GateRule } from './config.js';
import { answerWithWidget } from './injectWidget.js';
import { createMatcher, requestUrl, type RuleMatch, type WidgetPage } from './matchRoutes.js';
import { parseFields } from './parseFields.js';
import { canonicalPath, checkTarget } from './requestTarget.js';
import { createBodyBudget, MEMORY_PER_BODY_BYTE, readBody } from './readBody.js';
import { refuse, wantsJson } from './refuse.js';
import { createRoamSignClient, type RoamSignClient } from './roamsignClient.js';
import { rewriteLocation } from './rewriteLocation.js';
import { createGateMetrics } from './gateMetrics.js';

export interface RunningGate {
  /** Where the gate listens: http://host:port. */
  url: string;
  /** Its /metrics (config `metrics`), else undefined. */
  metricsUrl: string | undefined;
  server: http.Server;
  close(): Promise<void>;
}

/** Request headers only the gate may set for the back end. */
const GATE_HEADER_PREFIX = 'x-roamsign-';

/** A header name as CGI, PHP and WSGI read it (`X_RoamSign_Approval` is HTTP_X_ROAMSIGN_APPROVAL too). */
const isGateHeader = (name: string) => name.toLowerCase().replace(/_/g, '-').startsWith(GATE_HEADER_PREFIX);

/** The rule path's parameters, by position, from the canonical segments (config.ts allows bound ones only at fixed positions). */
function paramsOf(rule: GateRule, segments: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  rule.path
    .split('/')
    .filter((s) => s !== '')
    .forEach((segment, i) => {
      const name = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(segment)?.[1];
      if (name !== undefined && segments[i] !== undefined) params[name] = segments[i]!;
    });
  return params;
}

/** A post the gate could not read: an approval as far as anyone can tell, refused for what was found. */
function findingOnly(rule: GateRule, finding: GateFinding): ApprovalRequest {
  return { rule: rule.id, officer: null, document: null, signature: null, tokenOfficers: { policy: rule.tokenOfficers.policy }, maxAgeSeconds: rule.freshnessSeconds, finding };
}

/** A checked target's path and query (null: no `?`). */
function splitTarget(target: string): [string, string | null] {
  const at = target.indexOf('?');
  return at < 0 ? [target, null] : [target.slice(0, at), target.slice(at + 1)];
}

/**
 * The RoamSign Gate (issue 12): a reverse proxy (http-proxy-3) in front of a legacy back end.
 * Every request passes through unchanged, except the approval posts its rules name: those are
 * read whole, and reach the back end only when RoamSign decides their signature holds. Pages
 * the rules list can get the widget's script tag (`injectWidget`).
 */
export async function startGate(config: GateConfig, options: { env?: Record<string, string | undefined>; log?: (line: string) => void } = {}): Promise<RunningGate> {
  const env = options.env ?? process.env;
  const log = options.log ?? (config.log === 'silent' ? () => undefined : (line: string) => process.stdout.write(`${line}\n`));
  // Issue 24: every decision is an `approval` event; the metrics count them as they are logged.
  const metrics = config.metrics ? createGateMetrics() : undefined;
  const write = (event: string, fields: Record<string, unknown>) => {
    metrics?.observe(event, fields);
    log(JSON.stringify({ at: new Date().toISOString(), event, ...fields }));
  };
  const matcher = createMatcher(config);
  const fromEnv = Number(env.ROAMSIGN_GATE_MAX_BUFFERED_BYTES);
  const budget = createBodyBudget(Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : config.maxBufferedBytes);
  const upstream = new URL(config.upstream);

  const clients = new Map<string, RoamSignClient>();
  for (const system of config.systems) {
    clients.set(system.id, createRoamSignClient({ url: config.roamsign.url, clientId: system.client.id, clientSecret: clientSecretOf(system, env), timeoutMs: config.roamsign.timeoutMs }));
  }

  // Keep-alive to the back end: no new TCP connection per request.
  const agent = upstream.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const proxy = createProxyServer({
    target: config.upstream,
    agent,
    ws: true,
    xfwd: config.forwardedHeaders,
    changeOrigin: config.changeOrigin,
    preserveHeaderKeyCase: true,
  });
  /** Page requests whose answer gets the widget, with their system. */
  const injecting = new WeakMap<http.IncomingMessage, WidgetPage>();
  /** Passed approvals waiting for the back end's answer: given back when it is 5xx or none (issue 17). */
  const awaiting = new WeakMap<http.IncomingMessage, (upstream: { status: number } | { error: string }) => void>();
  function settle(req: http.IncomingMessage, upstream: { status: number } | { error: string }): void {
    const giveBack = awaiting.get(req);
    awaiting.delete(req);
    if (giveBack && ('error' in upstream || upstream.status >= 500)) giveBack(upstream);
  }

  proxy.on('proxyRes', (proxyRes, req, res) => {
    settle(req, { status: proxyRes.statusCode ?? 502 });
    rewriteLocation(proxyRes, req, upstream);
    const page = injecting.get(req);
    if (page) answerWithWidget(proxyRes, res, { roamsignUrl: config.roamsign.url, page });
  });
  proxy.on('error', (error, req, res) => {
    settle(req, { error: (error as NodeJS.ErrnoException).code ?? 'error' });
    write('upstream_error', { method: req.method, path: req.url?.split('?')[0], error: (error as NodeJS.ErrnoException).code ?? error.message });
    if (res instanceof http.ServerResponse) {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end('502 Bad Gateway: the system behind the RoamSign Gate did not answer.\n');
    } else {
      (res as Socket).destroy();
    }
  });

  function stripGateHeaders(req: http.IncomingMessage): void {
    for (const name of Object.keys(req.headers)) if (isGateHeader(name)) delete req.headers[name];
  }

  /** Everything that is not an approval: unchanged (the body already read, if it was), pages with the widget. */
  function passThrough(req: http.IncomingMessage, res: http.ServerResponse, body?: Buffer): void {
    const buffer = body ? { buffer: Readable.from([body]) } : {};
    const page = config.injectWidget ? matcher.page(req.method ?? 'GET', req.url ?? '/') : undefined;
    if (page) {
      injecting.set(req, page);
      // The page must come uncompressed to be rewritten.
      delete req.headers['accept-encoding'];
      proxy.web(req, res, { selfHandleResponse: true, ...buffer });
      return;
    }
    proxy.web(req, res, buffer);
  }

  /** The back end's own session says who is signed in (the `session` officer source). */
  function sessionOfficer(req: http.IncomingMessage): SessionOfficer {
    return async (path, property) => {
      try {
        const headers: Record<string, string> = { Accept: 'application/json' };
        if (req.headers.cookie) headers.Cookie = req.headers.cookie;
        if (req.headers.authorization) headers.Authorization = req.headers.authorization;
        const res = await fetch(new URL(path, upstream), { headers, redirect: 'manual', signal: AbortSignal.timeout(config.roamsign.timeoutMs) });
        if (res.status !== 200) return undefined;
        let value: unknown = await res.json();
        for (const key of property.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
        return typeof value === 'string' ? value : undefined;
      } catch {
        return undefined;
      }
    };
  }

  async function decideAndAnswer(req: http.IncomingMessage, res: http.ServerResponse, match: RuleMatch, collected: Extract<Collected, { approval: true }>, raw: Buffer | null, json: boolean) {
    const { system, rule } = match;
    // The source, so that RoamSign counts anonymous refusals per address (and rate-limits them).
    const request = { ...collected.request, ...(req.socket.remoteAddress ? { source: req.socket.remoteAddress.slice(0, 64) } : {}) };
    const started = performance.now();
    let decision;
    try {
      decision = await clients.get(system.id)!.decide(request);
    } catch (error) {
      write('approval', { system: system.id, rule: rule.id, decision: 'refuse', reason: 'roamsign_unreachable', detail: (error as Error).message });
      return refuse(req, res, { reason: 'roamsign_unreachable', json, close: raw === null });
    }
    const ms = Math.round(performance.now() - started);
    if (decision.decision === 'refuse' || raw === null) {
      const reason = decision.decision === 'refuse' ? decision.reason : 'body_too_large';
      write('approval', { system: system.id, rule: rule.id, decision: 'refuse', reason, officer: request.officer, requestId: request.signature?.requestId ?? null, ms });
      return refuse(req, res, { reason, json, close: raw === null });
    }
    write('approval', { system: system.id, rule: rule.id, decision: 'pass', officer: decision.officer, medium: decision.medium, approvalId: decision.approvalId, ms });
    // The very bytes that were posted, now allowed through; the back end may log the approval id.
    const headers = decision.approvalId ? { 'X-RoamSign-Approval': decision.approvalId } : {};
    const approvalId = decision.approvalId;
    if (approvalId) {
      // Consumed only when the back end answers below 500; otherwise the officer may retry once.
      awaiting.set(req, (upstreamAnswer) => {
        clients
          .get(system.id)!
          .release(approvalId, upstreamAnswer)
          .then(() => write('approval_released', { system: system.id, rule: rule.id, approvalId, upstream: upstreamAnswer }))
          .catch((error: Error) => write('approval_release_failed', { system: system.id, rule: rule.id, approvalId, error: error.message }));
      });
    }
    proxy.web(req, res, { buffer: Readable.from([raw]), headers });
  }

  /**
   * A request on a protected route, read once (issue 17): the whole body, the one canonical
   * reading of the path (the back end receives that path, re-encoded, and these very bytes), the
   * fields as the rule says. Whatever cannot be read one way only is refused with its reason.
   */
  async function handleApproval(req: http.IncomingMessage, res: http.ServerResponse, match: RuleMatch): Promise<void> {
    const { rule } = match;
    const json = wantsJson(req, rule.body === 'json');
    const body = await readBody(req, rule.maxBodyBytes, budget);
    if (body.ok) res.once('close', () => budget.give(body.raw.length * MEMORY_PER_BODY_BYTE));
    if (!body.ok) {
      if (body.reason === 'aborted') return void res.destroy();
      if (body.reason === 'busy') {
        write('approval', { system: match.system.id, rule: rule.id, decision: 'refuse', reason: 'gate_busy', buffered: budget.used });
        return refuse(req, res, { reason: 'gate_busy', json, close: true });
      }
      // Not read to the end: answer and close; RoamSign still records the refusal.
      return decideAndAnswer(req, res, match, { approval: true, request: findingOnly(rule, 'body_too_large') }, null, json);
    }
    const [path, query = null] = splitTarget(req.url ?? '/');
    const canonical = canonicalPath(path);
    if (!canonical.ok) return decideAndAnswer(req, res, match, { approval: true, request: findingOnly(rule, 'target_malformed') }, body.raw, json);
    req.url = query === null ? canonical.path : `${canonical.path}?${query}`;
    const url = requestUrl(req.url);
    const parsed = await parseFields(rule, req.headers, body.raw, url);
    const collected: Collected = parsed.ok
      ? await collectApproval({ rule, fields: parsed.values, url, headers: req.headers, session: sessionOfficer(req), params: paramsOf(rule, canonical.segments) })
      : { approval: true, request: findingOnly(rule, parsed.finding) };
    if (!collected.approval) return passThrough(req, res, body.raw);
    return decideAndAnswer(req, res, match, collected, body.raw, json);
  }

  /** A target that is not one plain path: refused; audited as an approval refusal when a lenient reading of it is a protected route. */
  function refuseTarget(req: http.IncomingMessage, res: http.ServerResponse, reading: string | null): void {
    const match = reading === null ? undefined : matcher.approval(req.method ?? 'GET', reading);
    write('target_refused', { method: req.method, rule: match?.rule.id ?? null });
    const json = wantsJson(req, match?.rule.body === 'json');
    if (match) {
      void decideAndAnswer(req, res, match, { approval: true, request: findingOnly(match.rule, 'target_malformed') }, null, json).catch(() => res.destroy());
      return;
    }
    void refuse(req, res, { reason: 'target_malformed', json, close: true });
  }

  const server = http.createServer((req, res) => {
    stripGateHeaders(req);
    // One strict parse of the target; the proxy library gets the checked one, never the raw string to resolve on its own.
    const checked = checkTarget(req.url ?? '');
    if (!checked.ok) return refuseTarget(req, res, checked.reading);
    req.url = checked.target;
    const match = matcher.approval(req.method ?? 'GET', req.url);
    if (match) {
      handleApproval(req, res, match).catch((error: Error) => {
        write('gate_error', { path: req.url?.split('?')[0], error: error.message });
        if (!res.headersSent) void refuse(req, res, { reason: 'roamsign_unreachable', json: wantsJson(req, match.rule.body === 'json'), close: true });
        else res.destroy();
      });
      return;
    }
    passThrough(req, res);
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    stripGateHeaders(req);
    const checked = checkTarget(req.url ?? '');
    // An upgrade is never an approval, but a protected route is not upgraded past the gate either.
    if (!checked.ok || matcher.approval(req.method ?? 'GET', checked.target)) return void socket.destroy();
    req.url = checked.target;
    proxy.ws(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const metricsListener = metrics && config.metrics ? await metrics.listen(config.metrics) : undefined;
  return {
    url: `http://${host}:${address.port}`,
    metricsUrl: metricsListener?.url,
    server,
    async close() {
      await metricsListener?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      proxy.close();
      agent.destroy();
    },
  };
}
