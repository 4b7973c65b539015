import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiError } from './api.js';
import type { Lang, TextKey } from './text.js';
import type { DeviceInfo, EndedReason, OtpPush } from './types.js';

/** The live stream's state: `connecting` (first time or again), `connected`, `offline` (refused for good). */
export type Connection = { state: 'connecting' | 'connected' | 'offline'; key: TextKey };

/** The OTP on screen: until when it is valid, and why it no longer is (then it is blanked). */
export interface ShownPush {
  push: OtpPush;
  deadline: number;
  ended: EndedReason | null;
}

const ENDINGS: EndedReason[] = ['signed', 'cancelled', 'superseded', 'failed'];
/** How long an offline device waits before it opens the stream again. */
const RETRY_MS = 5000;

/**
 * Holds the device's live stream (/api/v1/mobile/events) open: its OTP pushes (each acknowledged, so
 * the server sends no e-mail as well), the end of the request on screen, and its deactivation
 * (`onGone` with why, after which the device forgets its secret).
 */
export function useDeviceStream(options: { secret: string; lang: Lang; onPush: () => void; onGone: (why: TextKey) => void }) {
  const [connection, setConnection] = useState<Connection>({ state: 'connecting', key: 'connecting' });
  const [device, setDevice] = useState<DeviceInfo | null>(null);
  const [shown, setShown] = useState<ShownPush | null>(null);
  // The latest language and callbacks, without opening the stream again when they change.
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    const { secret } = options;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const call = <T>(method: string, path: string, body?: unknown) => api<T>(latest.current.lang, method, path, body, secret);
    const gone = (why: TextKey) => {
      source?.close();
      source = null;
      latest.current.onGone(why);
    };

    function connect() {
      source?.close();
      const es = new EventSource(`/api/v1/mobile/events?token=${encodeURIComponent(secret)}`);
      source = es;
      const data = <T>(event: Event) => JSON.parse((event as MessageEvent<string>).data) as T;
      const again = () => {
        retry = setTimeout(() => source === es && connect(), RETRY_MS);
      };
      es.addEventListener('ready', (event) => {
        setConnection({ state: 'connected', key: 'connected' });
        setDevice(data<DeviceInfo>(event));
      });
      es.addEventListener('otp', (event) => {
        const push = data<OtpPush>(event);
        setShown({ push, deadline: Date.now() + (push.expiresInSeconds ?? 120) * 1000, ended: null });
        latest.current.onPush();
        if (navigator.vibrate) navigator.vibrate(200);
        // The ack tells the server the OTP is on screen; without it the OTP also goes by e-mail.
        call('POST', '/mobile/ack', { pushId: push.pushId }).catch(() => undefined);
      });
      es.addEventListener('request-ended', (event) => {
        const { requestId, outcome } = data<{ requestId: string; outcome: string }>(event);
        const ended = ENDINGS.find((e) => e === outcome) ?? 'failed';
        // Only the end of the request on screen blanks it, and only once.
        setShown((current) => (current && !current.ended && current.push.requestId === requestId ? { ...current, ended } : current));
      });
      es.addEventListener('deactivated', (event) => {
        const { reason } = data<{ reason: string }>(event);
        gone(reason === 'replaced' ? 'replaced' : 'deactivated');
      });
      es.addEventListener('error', () => {
        if (source !== es) return;
        if (es.readyState === EventSource.CONNECTING) return setConnection({ state: 'connecting', key: 'reconnecting' });
        // Closed for good (the server refused the stream): find out whether the device is still active.
        setConnection({ state: 'offline', key: 'offline' });
        call('GET', '/mobile/device')
          .then(again)
          .catch((error: ApiError) => {
            if (source !== es) return;
            if (error.code === 'unauthorized') gone('inactive');
            else again();
          });
      });
    }

    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
      source = null;
    };
  }, [options.secret]);

  /** The OTP on screen ran out of time: blank it (a late end of its request changes nothing). */
  const expire = (pushId: string) => setShown((current) => (current && !current.ended && current.push.pushId === pushId ? { ...current, ended: 'expired' } : current));

  return { connection, device, shown, expire };
}
