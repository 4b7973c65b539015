import { AMINAH, makeDocument } from './api.js';

/** A JSON call to a server over real HTTP (child-process and cluster tests). */
export async function http(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    // A request cut by a killed node must end for the test too.
    signal: AbortSignal.timeout(20_000),
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

/** A Bearer token of a sandbox system client (demo-<system> / sandbox). */
export async function httpToken(base: string, system = 'igfmas'): Promise<string> {
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`demo-${system}:sandbox`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token from ${base}: ${res.status}`);
  return body.access_token;
}

/** Creates a signing request for Aminah as a system's server; `extra` overrides the body. */
export async function httpCreate(base: string, token: string, documentId = `STH-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, extra: Record<string, unknown> = {}) {
  return http(base, 'POST', '/api/v1/signing-requests', { nric: AMINAH.nric, system: 'igfmas', documents: [makeDocument(documentId)], ...extra }, { Authorization: `Bearer ${token}` });
}

/** The newest OTP the sandbox outbox holds for a request (any node: the outbox is in the database). */
export async function httpOtp(base: string, requestId: string, to: string = AMINAH.nric): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const res = await http(base, 'GET', `/api/v1/dev/outbox?to=${to}`);
    const message = (res.body as { requestId: string; otp: string | null }[]).find((m) => m.requestId === requestId && m.otp);
    if (message?.otp) return message.otp;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no OTP for ${requestId}`);
}

export async function httpComplete(base: string, token: string, requestId: string, otp: string, pin: string = AMINAH.pin) {
  return http(base, 'POST', `/api/v1/signing-requests/${requestId}/complete`, { pin, otp }, { Authorization: `Bearer ${token}` });
}
