import crypto from 'node:crypto';
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

export async function createRequest(server: TestServer, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return call(server, 'POST', '/api/v1/signing-requests', { nric: AMINAH.nric, system: 'igfmas', documents: [makeDocument('STH-2026-000123')], ...overrides }, headers);
}

/** The newest OTP the sandbox outbox holds for a request. */
export async function latestOtp(server: TestServer, requestId: string, to: string = AMINAH.nric): Promise<string> {
  const res = await call(server, 'GET', `/api/v1/dev/outbox?to=${to}`);
  const message = (res.body as { requestId: string; otp: string }[]).find((m) => m.requestId === requestId);
  if (!message) throw new Error(`no OTP in the outbox for ${requestId}`);
  return message.otp;
}

/** A 6-digit code that is not `otp`. */
export function wrongOtp(otp: string): string {
  return String((Number(otp) + 1) % 1_000_000).padStart(6, '0');
}
