import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { batchTotal } from '../../shared/money.js';
import { systemName } from '../../shared/systems.js';
import type { Db } from '../db/database.js';
import type { PushChannel } from '../notify/outbox.js';
import type { ClusterBus } from '../cluster/bus.js';
import { activeDeviceOf, type DeviceEvents } from './devices.js';

/** How long a push waits for the device's ack before the outbox falls back to e-mail. */
export const DEFAULT_ACK_TIMEOUT_MS = 4000;

/** What the GPKI Mobile app shows for one OTP (the `otp` event's data). */
export interface OtpPush {
  pushId: string;
  requestId: string;
  subject: string;
  /** The whole message as e-mailed: the app can always fall back to showing it. */
  text: string;
  otp: string | null;
  verificationCode: string | null;
  system: string | null;
  systemName: string | null;
  /** The first documents of the request (all of an ordinary one); documentCount says how many it has. */
  documents: { id: string; title: string | null; amount: string | null; currency: string | null; payee: string | null }[];
  documentCount: number;
  /** Batch total when more than one document has an amount. */
  total: string | null;
  expiresAt: string | null;
  /** Relative to the server's clock, so a phone with a wrong clock still counts down right. */
  expiresInSeconds: number | null;
}

/** One open live stream of a device (an SSE response). */
export interface DeviceConnection {
  send(event: string, data: unknown): void;
  close(): void;
}

interface Pending {
  deviceId: string;
  push: OtpPush;
  timer: NodeJS.Timeout;
  resolve(delivered: boolean): void;
}

/** A push some node of the cluster sent and that may still be shown: what a (re)connecting phone is given. */
interface Live {
  deviceId: string;
  push: OtpPush;
  until: number;
}

export interface PushHub extends PushChannel, DeviceEvents {
  /** Ack wait in ms (default 4 s); tests shorten it. */
  ackTimeoutMs: number;
  /** Registers a live stream of a device; pushes still waiting for an ack are sent to it at once. Returns the detach. */
  connect(deviceId: string, connection: DeviceConnection): () => void;
  /** The device confirms it showed a push; false when the push is unknown, late or not its own. */
  ack(deviceId: string, pushId: string): Promise<boolean>;
  /** Open streams of a device on this node (tests and diagnostics). */
  connectionCount(deviceId: string): number;
  /** A request left `pending`: the officer's phone blanks its OTP (best effort, never throws). */
  requestEnded(nric: string, requestId: string, outcome: RequestOutcome): Promise<void>;
  close(): void;
}

/** How a request that was pending ended, as the phone is told (`request-ended` event). */
export type RequestOutcome = 'signed' | 'cancelled' | 'superseded' | 'failed';

/**
 * Documents listed in one push: a batch is named by its count and total, not listed whole. At most
 * 20, and at most 2,500 bytes of them: a push crosses nodes in one PostgreSQL NOTIFY (under 8,000
 * bytes sealed, with the message text), and long titles in a multi-byte script fill that fast.
 */
const PUSH_DOCUMENTS = 20;
const PUSH_DOCUMENTS_BYTES = 2500;
/** How long an ack that reached this node before the push did may wait for it. */
const ACK_WAIT_MS = 1000;

type BusEvent =
  | { type: 'push'; deviceId: string; push: OtpPush; until: number }
  | { type: 'ack'; deviceId: string; pushId: string }
  | { type: 'deactivated'; deviceId: string; reason: 'replaced' | 'removed' }
  | { type: 'ended'; deviceId: string; requestId: string; outcome: RequestOutcome };

/** Takes the OTP from the composed message: the line "…: 123456" (the verification code has 4 digits). */
export function otpFromText(text: string): string | null {
  return /:\s*(\d{6,8})\s*$/m.exec(text)?.[1] ?? null;
}

/**
 * The GPKI Mobile live channel: devices hold an SSE stream open on any node; a push goes to every
 * stream of the officer's one active device, on every node (through the cluster bus), and counts as
 * delivered only when the device acknowledges it in time, whichever node the ack reaches.
 */
export function createPushHub(options: { db: Db; bus: ClusterBus; now: () => number; ackTimeoutMs?: number; onError?: (error: Error) => void }): PushHub {
  const { db, bus, now } = options;
  const streams = new Map<string, Set<DeviceConnection>>();
  /** Pushes this node sent, waiting for their ack. */
  const pending = new Map<string, Pending>();
  /** Pushes any node sent, until acked or timed out. */
  const live = new Map<string, Live>();

  function settle(pushId: string, delivered: boolean): boolean {
    const p = pending.get(pushId);
    if (!p) return false;
    pending.delete(pushId);
    clearTimeout(p.timer);
    p.resolve(delivered);
    return true;
  }

  const publish = (event: BusEvent) => bus.publish({ topic: 'push-hub', body: event }).catch((error: Error) => options.onError?.(error));

  const unsubscribe = bus.subscribe(({ topic, body }) => {
    if (topic !== 'push-hub') return;
    const event = body as BusEvent;
    if (event.type === 'push') {
      live.set(event.push.pushId, { deviceId: event.deviceId, push: event.push, until: event.until });
      for (const stream of streams.get(event.deviceId) ?? []) stream.send('otp', event.push);
    } else if (event.type === 'ack') {
      live.delete(event.pushId);
      const p = pending.get(event.pushId);
      if (p && p.deviceId === event.deviceId) settle(event.pushId, true);
    } else if (event.type === 'deactivated') {
      // Its pushes will never be shown: let the outbox e-mail them now instead of after the timeout.
      for (const [pushId, p] of pending) if (p.deviceId === event.deviceId) settle(pushId, false);
      for (const [pushId, l] of live) if (l.deviceId === event.deviceId) live.delete(pushId);
      for (const stream of streams.get(event.deviceId) ?? []) {
        stream.send('deactivated', { reason: event.reason });
        stream.close();
      }
      streams.delete(event.deviceId);
    } else if (event.type === 'ended') {
      // Its OTP is dead: a reconnecting phone must not be shown it again.
      for (const [pushId, l] of live) if (l.push.requestId === event.requestId) live.delete(pushId);
      for (const stream of streams.get(event.deviceId) ?? []) stream.send('request-ended', { requestId: event.requestId, outcome: event.outcome });
    }
  });

  function liveFor(pushId: string): Live | undefined {
    const entry = live.get(pushId);
    if (entry && entry.until <= Date.now()) {
      live.delete(pushId);
      return undefined;
    }
    return entry;
  }

  /** Structured fields from the stored request; the OTP itself is stored only hashed, so it comes from the text. */
  async function buildPush(message: { subject: string; text: string; requestId: string }): Promise<OtpPush> {
    const { signingRequests } = db.t;
    const [row] = await db.orm.select().from(signingRequests).where(eq(signingRequests.id, message.requestId));
    const all = row?.documents ?? [];
    const documents: OtpPush['documents'] = [];
    let bytes = 0;
    for (const d of all.slice(0, PUSH_DOCUMENTS)) {
      const listed = { id: d.id, title: d.summary?.title ?? null, amount: d.summary?.amount ?? null, currency: d.summary?.amount ? (d.summary.currency ?? 'MYR') : null, payee: d.summary?.payee ?? null };
      bytes += Buffer.byteLength(JSON.stringify(listed));
      if (bytes > PUSH_DOCUMENTS_BYTES) break;
      documents.push(listed);
    }
    const total = all.length > 1 ? (batchTotal(all.map((d) => d.summary)) ?? null) : null;
    return {
      pushId: `push_${crypto.randomBytes(12).toString('base64url')}`,
      requestId: message.requestId,
      subject: message.subject,
      text: message.text,
      otp: otpFromText(message.text),
      verificationCode: row?.verificationCode ?? null,
      system: row?.system ?? null,
      systemName: row ? systemName(row.system) : null,
      documents,
      documentCount: all.length,
      total,
      expiresAt: row ? new Date(row.otpExpiresAt).toISOString() : null,
      expiresInSeconds: row ? Math.max(0, Math.round((row.otpExpiresAt - now()) / 1000)) : null,
    };
  }

  const hub: PushHub = {
    ackTimeoutMs: options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS,

    async activeDevice(nric) {
      const active = await activeDeviceOf(db, nric);
      return active ? { destination: active.destination } : null;
    },

    async deliver(nric, message) {
      const active = await activeDeviceOf(db, nric);
      if (!active) return false;
      const deviceId = active.device.id;
      const push = await buildPush(message);
      return new Promise<boolean>((resolve) => {
        // Not connected right now: the push waits for the ack timeout, a reconnecting app still gets it.
        const timer = setTimeout(() => settle(push.pushId, false), hub.ackTimeoutMs);
        pending.set(push.pushId, { deviceId, push, timer, resolve });
        // A bus that cannot carry it leaves the push to time out: the outbox then e-mails the OTP.
        void publish({ type: 'push', deviceId, push, until: Date.now() + hub.ackTimeoutMs });
      });
    },

    connect(deviceId, connection) {
      let set = streams.get(deviceId);
      if (!set) streams.set(deviceId, (set = new Set()));
      set.add(connection);
      for (const [pushId, l] of live) if (l.deviceId === deviceId && liveFor(pushId)) connection.send('otp', l.push);
      return () => {
        set.delete(connection);
        if (set.size === 0 && streams.get(deviceId) === set) streams.delete(deviceId);
      };
    },

    async ack(deviceId, pushId) {
      // The ack may reach this node a moment before the push's bus message does.
      const deadline = Date.now() + ACK_WAIT_MS;
      let entry = liveFor(pushId) ?? (pending.has(pushId) ? { deviceId: pending.get(pushId)!.deviceId } : undefined);
      while (!entry && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        entry = liveFor(pushId);
      }
      if (!entry || entry.deviceId !== deviceId) return false;
      await publish({ type: 'ack', deviceId, pushId });
      return true;
    },

    deactivated(deviceId, reason) {
      void publish({ type: 'deactivated', deviceId, reason });
    },

    async requestEnded(nric, requestId, outcome) {
      try {
        const active = await activeDeviceOf(db, nric);
        if (active) await publish({ type: 'ended', deviceId: active.device.id, requestId, outcome });
      } catch (error) {
        options.onError?.(error as Error);
      }
    },

    connectionCount(deviceId) {
      return streams.get(deviceId)?.size ?? 0;
    },

    close() {
      unsubscribe();
      for (const [pushId] of pending) settle(pushId, false);
    },
  };
  return hub;
}
