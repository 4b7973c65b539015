import crypto from 'node:crypto';
import { createApiClient, type ApiClient } from '../../server/client.js';
import type { CreateSigningRequest } from '../../shared/schemas/signingRequest.js';
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

/** JSON request through app.request(): what a client sends over HTTP. */
export async function call(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await server.app.request(path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** The typed API client (server/client.ts) over the test server, in process: no socket. */
export function apiClient(server: TestServer, headers: Record<string, string> = {}): ApiClient {
  return createApiClient('http://localhost:8787', { fetch: (input: RequestInfo | URL, init?: RequestInit) => server.app.request(input, init), headers });
}

/** The answer as the tests read it: status, parsed body (an answer or an Error), headers. */
async function answer(res: Response): Promise<{ status: number; body: any; headers: Headers }> {
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** POST /api/v1/signing-requests through the typed client: Aminah, iGFMAS, one document, unless overridden. */
export async function createRequest(server: TestServer, overrides: Partial<CreateSigningRequest> = {}, headers: Record<string, string> = {}) {
  const json = { nric: AMINAH.nric, system: 'igfmas' as const, documents: [makeDocument('STH-2026-000123')], ...overrides };
  return answer(await apiClient(server, headers).api.v1['signing-requests'].$post({ json }));
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
