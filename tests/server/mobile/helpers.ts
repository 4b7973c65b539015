import { expect } from 'vitest';
import { AMINAH, call } from '../../helpers/api.js';
import type { TestServer } from '../../helpers/testServices.js';

export const AMINAH_PHONE = '+60123456701';

export interface SseEvent {
  event: string;
  data: any;
}

/** A device's live stream read through app.request(): events in order, awaited by name. */
export interface EventStream {
  status: number;
  events: SseEvent[];
  /** The next not yet taken event named `name` (waits up to `timeoutMs`). */
  next(name: string, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): Promise<void>;
}

export async function openEvents(server: TestServer, secret: string, via: 'header' | 'query' = 'header'): Promise<EventStream> {
  const res =
    via === 'header'
      ? await server.app.request('/api/v1/mobile/events', { headers: { Authorization: `Bearer ${secret}` } })
      : await server.app.request(`/api/v1/mobile/events?token=${encodeURIComponent(secret)}`);
  const events: SseEvent[] = [];
  const taken = new Set<SseEvent>();
  let wake: () => void = () => {};
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length) events.push({ event, data: JSON.parse(data.join('\n')) });
        wake();
      }
    }
    wake();
  })();
  return {
    status: res.status,
    events,
    ended,
    async next(name, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = events.find((e) => e.event === name && !taken.has(e));
        if (hit) {
          taken.add(hit);
          return hit;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no '${name}' event within ${timeoutMs} ms (got ${events.map((e) => e.event).join(', ')})`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    async close() {
      await reader.cancel().catch(() => undefined);
      await ended;
    },
  };
}

/** Registers a device through the API, reading the e-mailed code from the sandbox outbox. */
export async function registerDevice(
  server: TestServer,
  input: { nric?: string; phone?: string; platform?: 'android' | 'ios' | 'web'; label?: string } = {},
): Promise<{ deviceId: string; secret: string }> {
  const nric = input.nric ?? AMINAH.nric;
  const started = await call(server, 'POST', '/api/v1/mobile/registrations', {
    nric,
    phone: input.phone ?? AMINAH_PHONE,
    platform: input.platform ?? 'android',
    label: input.label ?? 'Telefon ujian',
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const code = await registrationCode(server, nric);
  const done = await call(server, 'POST', `/api/v1/mobile/registrations/${started.body.challengeId}/confirm`, { code });
  expect(done.status, JSON.stringify(done.body)).toBe(201);
  return done.body;
}

/** The newest device registration code e-mailed to the officer (sandbox outbox). */
export async function registrationCode(server: TestServer, nric: string = AMINAH.nric): Promise<string> {
  const messages = (await call(server, 'GET', `/api/v1/dev/outbox?to=${nric}`)).body as { subject: string; otp: string; channel: string }[];
  const message = messages.find((m) => m.subject.includes('pendaftaran peranti'));
  if (!message) throw new Error('no registration e-mail in the outbox');
  return message.otp;
}

/** Row counts of the tables device registration touches. */
export async function counts(server: TestServer): Promise<{ devices: number; challenges: number; outbox: number }> {
  const n = async (table: string) => ((await server.services.db.get(`select count(*) as n from ${table}`)) as { n: number }).n;
  return { devices: await n('devices'), challenges: await n('challenges'), outbox: await n('outbox') };
}

export async function auditActions(server: TestServer): Promise<string[]> {
  return ((await server.services.db.all('select action from audit_log order by seq')) as { action: string }[]).map((r) => r.action);
}
