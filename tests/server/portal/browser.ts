import { expect } from 'vitest';
import { createAdmin, type AdminRole } from '../../../server/portal/adminPortal.js';
import type { TestServer } from '../../helpers/testServices.js';

export const ORIGIN = 'http://localhost:8787';

export interface Page {
  status: number;
  text: string;
  headers: Headers;
  location: string | null;
}

/**
 * A tiny browser over app.request(): keeps cookies, sends the Origin a browser sends on form
 * posts, and remembers the last `_csrf` it saw on a page (as a form would carry it).
 */
export class Browser {
  cookies = new Map<string, string>();
  csrf: string | null = null;
  lastSetCookies: string[] = [];

  constructor(
    readonly server: TestServer,
    readonly origin: string = ORIGIN,
  ) {}

  private async send(path: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await this.server.app.request(path, { ...init, headers });
    this.lastSetCookies = res.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const [pair = '', ...attrs] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (attrs.some((a) => /^\s*max-age=0$/i.test(a)) || value === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.trim());
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]*)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, text, headers: res.headers, location: res.headers.get('location') };
  }

  get(path: string): Promise<Page> {
    return this.send(path, { method: 'GET' });
  }

  /** A form post; `_csrf` is the remembered token unless given (or `csrf: null` leaves it out). */
  post(path: string, fields: Record<string, string>, options: { csrf?: string | null; origin?: string | null } = {}): Promise<Page> {
    const body = new URLSearchParams(fields);
    const token = options.csrf === undefined ? this.csrf : options.csrf;
    if (token !== null && !('_csrf' in fields)) body.set('_csrf', token);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const origin = options.origin === undefined ? this.origin : options.origin;
    if (origin !== null) headers.origin = origin;
    return this.send(path, { method: 'POST', headers, body: body.toString() });
  }

  postMultipart(path: string, form: FormData): Promise<Page> {
    if (this.csrf && !form.has('_csrf')) form.set('_csrf', this.csrf);
    return this.send(path, { method: 'POST', headers: { origin: this.origin }, body: form });
  }
}

/** Hidden field `name` of a page. */
export function hiddenField(text: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(text)?.[1];
  if (value === undefined) throw new Error(`no hidden field ${name} in page`);
  return value;
}

/** The newest code e-mailed to an nric or address (the sandbox outbox keeps it). */
export async function latestCode(server: TestServer, to: string): Promise<string> {
  const message = (await server.services.outbox.list(to)).find((m) => m.otp);
  if (!message?.otp) throw new Error(`no code sent to ${to}`);
  return message.otp;
}

/** The newest verification link's token e-mailed to an address. */
export async function latestVerificationToken(server: TestServer, email: string): Promise<string> {
  for (const m of await server.services.outbox.list(email)) {
    const token = /\/portal\/verify\?token=([A-Za-z0-9_-]+)/.exec(m.text)?.[1];
    if (token) return token;
  }
  throw new Error(`no verification link sent to ${email}`);
}

export async function signInOfficer(server: TestServer, nric: string, browser = new Browser(server)): Promise<Browser> {
  const step1 = await browser.post('/portal/sign-in', { nric }, { csrf: null });
  expect(step1.status).toBe(200);
  const challengeId = hiddenField(step1.text, 'challengeId');
  const done = await browser.post('/portal/sign-in/code', { challengeId, code: await latestCode(server, nric) }, { csrf: null });
  expect(done.status, done.text).toBe(303);
  expect(done.location).toBe('/portal');
  await browser.get('/portal');
  return browser;
}

let adminSeq = 0;

/** Creates an administrator (role and agency) and signs them in with password + e-mailed code. */
export async function signInNewAdmin(server: TestServer, role: AdminRole = 'admin', agencyCode: string | null = null): Promise<{ browser: Browser; id: string; nric: string }> {
  adminSeq++;
  const nric = `7001010${String(50000 + adminSeq).slice(-5)}`;
  const password = 'correct horse battery staple';
  const { id } = await createAdmin(server.services, { nric, name: `Pentadbir ${adminSeq}`, email: `admin${adminSeq}@agensi.gov.my`, role, agencyCode, password }, 'test');
  const browser = new Browser(server);
  const step1 = await browser.post('/portal/admin/sign-in', { nric, password }, { csrf: null });
  expect(step1.status, step1.text).toBe(200);
  const challengeId = hiddenField(step1.text, 'challengeId');
  const done = await browser.post('/portal/admin/sign-in/code', { challengeId, code: await latestCode(server, nric) }, { csrf: null });
  expect(done.status, done.text).toBe(303);
  await browser.get('/portal/admin');
  return { browser, id, nric };
}

/** A second agency, so scoping can be tried. */
export async function addAgency(server: TestServer, code: string, name: string): Promise<void> {
  await server.services.db.run('insert into agencies (code, name) values (?, ?)', code, name);
}
