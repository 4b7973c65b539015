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
import { readBody } from './readBody.js';
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

/** A post the gate could not read: an approval as far as anyone can tell, refused for what was found. */
function findingOnly(rule: GateRule, finding: GateFinding): ApprovalRequest {
  return { rule: rule.id, officer: null, document: null, signature: null, tokenOfficers: { policy: rule.tokenOfficers.policy }, maxAgeSeconds: rule.freshnessSeconds, finding };
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

  proxy.on('proxyRes', (proxyRes, req, res) => {
    rewriteLocation(proxyRes, req, upstream);
    const page = injecting.get(req);
    if (page) answerWithWidget(proxyRes, res, { roamsignUrl: config.roamsign.url, page });
  });
  proxy.on('error', (error, req, res) => {
    write('upstream_error', { method: req.method, path: req.url?.split('?')[0], error: (error as NodeJS.ErrnoException).code ?? error.message });
    if (res instanceof http.ServerResponse) {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end('502 Bad Gateway: the system behind the RoamSign Gate did not answer.\n');
    } else {
      (res as Socket).destroy();
    }
  });

  function stripGateHeaders(req: http.IncomingMessage): void {
    for (const name of Object.keys(req.headers)) if (name.startsWith(GATE_HEADER_PREFIX)) delete req.headers[name];
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
    const request = collected.request;
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
    proxy.web(req, res, { buffer: Readable.from([raw]), headers });
  }

  async function handleApproval(req: http.IncomingMessage, res: http.ServerResponse, match: RuleMatch): Promise<void> {
    const { rule } = match;
    const json = wantsJson(req, rule.body === 'json');
    const body = await readBody(req, rule.maxBodyBytes);
    if (!body.ok) {
      if (body.reason === 'aborted') return void res.destroy();
      // Not read to the end: answer and close; RoamSign still records the refusal.
      return decideAndAnswer(req, res, match, { approval: true, request: findingOnly(rule, 'body_too_large') }, null, json);
    }
    const url = requestUrl(req.url ?? '/');
    const parsed = await parseFields(rule, req.headers, body.raw, url);
    const collected: Collected = parsed.ok
      ? await collectApproval({ rule, fields: parsed.values, url, headers: req.headers, session: sessionOfficer(req) })
      : { approval: true, request: findingOnly(rule, parsed.finding) };
    if (!collected.approval) return void proxy.web(req, res, { buffer: Readable.from([body.raw]) });
    return decideAndAnswer(req, res, match, collected, body.raw, json);
  }

  const server = http.createServer((req, res) => {
    stripGateHeaders(req);
    const match = matcher.approval(req.method ?? 'GET', req.url ?? '/');
    if (match) {
      handleApproval(req, res, match).catch((error: Error) => {
        write('gate_error', { path: req.url?.split('?')[0], error: error.message });
        if (!res.headersSent) void refuse(req, res, { reason: 'roamsign_unreachable', json: wantsJson(req, match.rule.body === 'json'), close: true });
        else res.destroy();
      });
      return;
    }
    const page = config.injectWidget ? matcher.page(req.method ?? 'GET', req.url ?? '/') : undefined;
    if (page) {
      injecting.set(req, page);
      // The page must come uncompressed to be rewritten.
      delete req.headers['accept-encoding'];
      proxy.web(req, res, { selfHandleResponse: true });
      return;
    }
    proxy.web(req, res);
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    stripGateHeaders(req);
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
