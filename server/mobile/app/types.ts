import type { TextKey } from './text.js';

/** An OTP pushed to this device (the `otp` event of /api/v1/mobile/events). */
export interface OtpPush {
  pushId: string;
  requestId: string;
  subject: string;
  text: string;
  otp: string | null;
  verificationCode: string | null;
  systemName: string | null;
  documents: { id: string; title: string | null; amount: string | null; currency: string | null; payee: string | null }[];
  /** How many documents the request has (a long batch lists only its first ones). */
  documentCount?: number;
  total: string | null;
  expiresInSeconds: number | null;
}

/** This device as the server knows it (the `ready` event). */
export interface DeviceInfo {
  deviceId: string;
  label: string;
  destination: string;
  officer: { nric: string; name: string | null };
}

/** Why an OTP on screen can no longer sign: the request's end (`request-ended`), or its time ran out. */
export type EndedReason = 'signed' | 'cancelled' | 'superseded' | 'failed' | 'expired';

/** A line at the top of the page: a catalogue text, or the server's own words. */
export type Notice = { id: number; kind: 'error' | 'info' } & ({ key: TextKey } | { raw: string });
