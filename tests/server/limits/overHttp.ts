import type http from 'node:http';
import { startHttpServer } from '../../../server/http/nodeServer.js';
import { freePort } from '../../helpers/freePort.js';
import type { TestServer } from '../../helpers/testServices.js';

export const IGFMAS = 'https://igfmas.anm.gov.my';
/** The portal's own origin (the test servers' ROAMSIGN_PUBLIC_URL), which its form posts carry. */
export const PORTAL_ORIGIN = 'http://localhost:8787';

export interface Answer {
  status: number;
  text: string;
  json: any;
  location: string | null;
  headers: Headers;
}

/**
 * One caller over a real socket to a test server: its own cookie jar and, through the trusted proxy
 * (the server trusts 127.0.0.1), its own source address in X-Forwarded-For.
 */
export class Caller {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly base: string,
    readonly address: string,
    readonly headers: Record<string, string> = {},
  ) {}

  async send(method: string, path: string, body?: { json?: unknown; form?: Record<string, string> }, headers: Record<string, string> = {}): Promise<Answer> {
    const all: Record<string, string> = { 'X-Forwarded-For': this.address, ...this.headers, ...headers };
    if (this.cookies.size) all.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | undefined;
    if (body?.json !== undefined) {
      all['Content-Type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body?.form) {
      all['Content-Type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(body.form).toString();
    }
    const res = await fetch(`${this.base}${path}`, { method, headers: all, body: payload, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // an HTML page
    }
    return { status: res.status, text, json, location: res.headers.get('location'), headers: res.headers };
  }
}

/** The test server's app on a real port of 127.0.0.1 (so requests have a source address). */
export async function listen(server: TestServer): Promise<{ base: string; close(): Promise<void> }> {
  const port = await freePort();
  const listener: http.Server = await startHttpServer({ fetch: server.app.fetch, port, hostname: '127.0.0.1' });
  return {
    base: `http://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      listener.closeAllConnections();
      await closed;
    },
  };
}

/** How many times each status came back. */
export function tally(answers: readonly Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}
