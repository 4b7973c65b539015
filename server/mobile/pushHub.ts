import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { batchTotal } from '../../shared/money.js';
import { systemName } from '../../shared/systems.js';
import type { Db } from '../db/database.js';
import type { PushChannel } from '../notify/outbox.js';
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
  documents: { id: string; title: string | null; amount: string | null; currency: string | null; payee: string | null }[];
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

export interface PushHub extends PushChannel, DeviceEvents {
  /** Ack wait in ms (default 4 s); tests shorten it. */
  ackTimeoutMs: number;
  /** Registers a live stream of a device; pushes still waiting for an ack are sent to it at once. Returns the detach. */
  connect(deviceId: string, connection: DeviceConnection): () => void;
  /** The device confirms it showed a push; false when the push is unknown, late or not its own. */
  ack(deviceId: string, pushId: string): boolean;
  /** Open streams of a device (tests and diagnostics). */
  connectionCount(deviceId: string): number;
}

/** Takes the OTP from the composed message: the line "…: 123456" (the verification code has 4 digits). */
export function otpFromText(text: string): string | null {
  return /:\s*(\d{6,8})\s*$/m.exec(text)?.[1] ?? null;
}

/**
 * The GPKI Mobile live channel: devices hold an SSE stream open; a push goes to every stream of the
 * officer's one active device and counts as delivered only when the device acknowledges it in time.
 * State is in memory: with several server processes a device must reach the one that sends (sticky
 * routing), or the outbox falls back to e-mail after the ack timeout.
 */
export function createPushHub(options: { db: Db; now: () => number; ackTimeoutMs?: number }): PushHub {
  const { db, now } = options;
  const streams = new Map<string, Set<DeviceConnection>>();
  const pending = new Map<string, Pending>();

  function settle(pushId: string, delivered: boolean): boolean {
    const p = pending.get(pushId);
    if (!p) return false;
    pending.delete(pushId);
    clearTimeout(p.timer);
    p.resolve(delivered);
    return true;
  }

  /** Structured fields from the stored request; the OTP itself is stored only hashed, so it comes from the text. */
  async function buildPush(message: { subject: string; text: string; requestId: string }): Promise<OtpPush> {
    const { signingRequests } = db.t;
    const [row] = await db.orm.select().from(signingRequests).where(eq(signingRequests.id, message.requestId));
    const documents = (row?.documents ?? []).map((d) => ({
      id: d.id,
      title: d.summary?.title ?? null,
      amount: d.summary?.amount ?? null,
      currency: d.summary?.amount ? (d.summary.currency ?? 'MYR') : null,
      payee: d.summary?.payee ?? null,
    }));
    const total = documents.length > 1 ? (batchTotal((row?.documents ?? []).map((d) => d.summary)) ?? null) : null;
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
        for (const stream of streams.get(deviceId) ?? []) stream.send('otp', push);
      });
    },

    connect(deviceId, connection) {
      let set = streams.get(deviceId);
      if (!set) streams.set(deviceId, (set = new Set()));
      set.add(connection);
      for (const p of pending.values()) if (p.deviceId === deviceId) connection.send('otp', p.push);
      return () => {
        set.delete(connection);
        if (set.size === 0 && streams.get(deviceId) === set) streams.delete(deviceId);
      };
    },

    ack(deviceId, pushId) {
      const p = pending.get(pushId);
      if (!p || p.deviceId !== deviceId) return false;
      return settle(pushId, true);
    },

    deactivated(deviceId, reason) {
      // Its pushes will never be shown: let the outbox e-mail them now instead of after the timeout.
      for (const [pushId, p] of pending) if (p.deviceId === deviceId) settle(pushId, false);
      for (const stream of streams.get(deviceId) ?? []) {
        stream.send('deactivated', { reason });
        stream.close();
      }
      streams.delete(deviceId);
    },

    connectionCount(deviceId) {
      return streams.get(deviceId)?.size ?? 0;
    },
  };
  return hub;
}
