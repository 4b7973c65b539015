import crypto from 'node:crypto';
import { createApiClient, type ApiClient } from '../../server/client.js';
import type { CreateSigningRequest } from '../../shared/schemas/signingRequest.js';
import { SYSTEMS } from '../../shared/systems.js';
import type { TestServer } from './testServices.js';

export const AMINAH = { nric: '900101011234', pin: '123456', email: 'aminah@anm.gov.my' } as const;
export const WEIMING = { nric: '880202025678', pin: '654321', email: 'weiming@anm.gov.my' } as const;
export const RAJESH = { nric: '750303039999', email: 'rajesh@anm.gov.my' } as const;

export function sha256b64(content: Buffer | string): string {
  return crypto.createHash('sha256').update(content).digest('base64');
}

export function documentBytes(id: string, amount = '12,500.00'): Buffer {
  return Buffer.from(`document ${id}\namount ${amount}\npayee Syarikat ABC Sdn Bhd\n`);
}

export function makeDocument(id: string, amount = '12,500.00') {
  return {
    id,
    digest: sha256b64(documentBytes(id, amount)),
    summary: { title: 'Baucar Bayaran', amount, currency: 'MYR', payee: 'Syarikat ABC Sdn Bhd' },
  };
}

/** Access tokens of the sandbox clients (demo-<system> / sandbox), per server and system, until they expire. */
const tokenCache = new WeakMap<TestServer, Map<string, { token: string; expiresAt: number }>>();
/** The system of each signing request created through `call`, so later calls use that system's token. */
const requestSystems = new WeakMap<TestServer, Map<string, string>>();

/** A Bearer token of the sandbox client of `system`, from POST /oauth2/token (HTTP Basic). */
export async function systemToken(server: TestServer, system = 'igfmas', scope = 'signing approvals'): Promise<string> {
  const cache = tokenCache.get(server) ?? new Map<string, { token: string; expiresAt: number }>();
  tokenCache.set(server, cache);
  const key = `${system} ${scope}`;
  const cached = cache.get(key);
  if (cached && server.services.now() < cached.expiresAt - 60_000) return cached.token;
  const res = await server.app.request('/oauth2/token', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`demo-${system}:sandbox`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  });
  const body = (await res.json()) as { access_token?: string; expires_in?: number };
  if (res.status !== 200 || !body.access_token) throw new Error(`no token for demo-${system}: ${res.status} ${JSON.stringify(body)}`);
  cache.set(key, { token: body.access_token, expiresAt: server.services.now() + (body.expires_in ?? 0) * 1000 });
  return body.access_token;
}

function rememberSystem(server: TestServer, requestId: string, system: string): void {
  const systems = requestSystems.get(server) ?? new Map<string, string>();
  requestSystems.set(server, systems);
  systems.set(requestId, system);
}

const SIGNING_PATH = /^\/api\/v1\/signing-requests(?:\/(sr_[A-Za-z0-9_-]+))?/;

/**
 * The system a server-to-server call to the signing API acts for (API.md "Caller authentication"):
 * a call with neither Origin nor Authorization gets the sandbox client's token of that system.
 */
async function systemCallHeaders(server: TestServer, path: string, body: unknown, headers: Record<string, string>): Promise<Record<string, string>> {
  const match = SIGNING_PATH.exec(path);
  const names = Object.keys(headers).map((name) => name.toLowerCase());
  if (!match || names.includes('origin') || names.includes('authorization')) return {};
  const fromBody = body !== null && typeof body === 'object' && typeof (body as { system?: unknown }).system === 'string' ? (body as { system: string }).system : undefined;
  const known = match[1] ? requestSystems.get(server)?.get(match[1]) : undefined;
  const system = known ?? fromBody ?? 'igfmas';
  // A system that has no sandbox client (bad input such as "sap") is asked for with igfmas's token.
  return { Authorization: `Bearer ${await systemToken(server, (SYSTEMS as readonly string[]).includes(system) ? system : 'igfmas')}` };
}

/**
 * JSON request through app.request(): what a client sends over HTTP. Calls to the signing API
 * with neither an Origin nor an Authorization header act as a registered system (Bearer token).
 */
export async function call(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const auth = await systemCallHeaders(server, path, body, headers);
  const init: RequestInit = { method, headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...auth, ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await server.app.request(path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  if (res.status === 201 && path === '/api/v1/signing-requests' && typeof (parsed as { id?: unknown }).id === 'string') {
    rememberSystem(server, (parsed as { id: string }).id, (body as { system?: string } | undefined)?.system ?? 'igfmas');
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** The typed API client (server/client.ts) over the test server, in process: no socket. */
export function apiClient(server: TestServer, headers: Record<string, string> = {}): ApiClient {
  return createApiClient('http://localhost:8787', { fetch: (input: RequestInfo | URL, init?: RequestInit) => server.app.request(input, init), headers });
}

/** The typed client acting as a registered system's server (the sandbox client's Bearer token). */
export async function systemApiClient(server: TestServer, system = 'igfmas'): Promise<ApiClient> {
  return apiClient(server, { Authorization: `Bearer ${await systemToken(server, system)}` });
}

/** The answer as the tests read it: status, parsed body (an answer or an Error), headers. */
async function answer(res: Response): Promise<{ status: number; body: any; headers: Headers }> {
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** POST /api/v1/signing-requests through the typed client: Aminah, iGFMAS, one document, unless overridden. */
export async function createRequest(server: TestServer, overrides: Partial<CreateSigningRequest> = {}, headers: Record<string, string> = {}) {
  const json = { nric: AMINAH.nric, system: 'igfmas' as const, documents: [makeDocument('STH-2026-000123')], ...overrides };
  const auth = await systemCallHeaders(server, '/api/v1/signing-requests', json, headers);
  const created = await answer(await apiClient(server, { ...auth, ...headers }).api.v1['signing-requests'].$post({ json }));
  if (created.status === 201) rememberSystem(server, created.body.id, json.system);
  return created;
}

/** The newest OTP the sandbox outbox holds for a request. */
export async function latestOtp(server: TestServer, requestId: string, to: string = AMINAH.nric): Promise<string> {
  const res = await apiClient(server).api.v1.dev.outbox.$get({ query: { to } });
  if (res.status !== 200) throw new Error(`outbox answered ${res.status}`);
  const message = (await res.json()).find((m) => m.requestId === requestId);
  if (!message?.otp) throw new Error(`no OTP in the outbox for ${requestId}`);
  return message.otp;
}

/** A 6-digit code that is not `otp`. */
export function wrongOtp(otp: string): string {
  return String((Number(otp) + 1) % 1_000_000).padStart(6, '0');
}
