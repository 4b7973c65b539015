import type { DialogOutcome } from '../../widget/dialog/App.js';
import type { JobInput, SignDocument, WidgetErrorCode } from '../../shared/widgetProtocol.js';
import type { SystemId } from '../../shared/systems.js';

// Every message between content script, dialog, popup and worker: a typed name, an answer (the
// acknowledgement) and a timeout; failures carry the API's error codes (web-eid's protocol shape).

export type Request =
  | { type: 'rs:start'; system: SystemId; job: JobInput }
  | { type: 'rs:job'; jobId: string }
  | {
      type: 'rs:api';
      jobId: string;
      // Passkeys (issue 11): the offer, the ceremony in a RoamSign-origin popup, and PIN + assertion.
      op: 'create' | 'resend' | 'complete' | 'cancel' | 'passkeyOffer' | 'passkeyAssert' | 'completePasskey';
      requestId?: string;
      pin?: string;
      otp?: string;
      documents?: SignDocument[];
      options?: unknown;
      credential?: unknown;
    }
  | { type: 'rs:done'; jobId: string; outcome: DialogOutcome }
  | { type: 'rs:health'; serverUrl?: string }
  | { type: 'rs:settings' }
  | { type: 'rs:history' };

/** Worker -> content script (tab) and popup -> content script. */
export type TabMessage = { type: 'rs:outcome'; jobId: string; outcome: DialogOutcome } | { type: 'rs:opened'; jobId: string } | { type: 'rs:officer' };

/** What the dialog page learns of its job. */
export interface JobView {
  system: SystemId;
  input: JobInput;
  pageOrigin: string;
  lang: 'ms' | 'en';
}

export type Reply<T> = { ok: true; value: T } | { ok: false; code: WidgetErrorCode; message: string; details?: Record<string, unknown> };

export const MESSAGE_TIMEOUT_MS = 30_000;

/** Sends and waits for the answer; no answer in time is `unreachable`. */
export async function send<T>(
  sendMessage: (message: Request) => Promise<unknown>,
  message: Request,
  timeoutMs = MESSAGE_TIMEOUT_MS,
): Promise<Reply<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Reply<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, code: 'unreachable', message: 'no answer from the RoamSign worker' }), timeoutMs);
  });
  try {
    const answer = sendMessage(message).then(
      (reply) => (reply && typeof reply === 'object' && 'ok' in reply ? (reply as Reply<T>) : ({ ok: false, code: 'internal', message: 'malformed answer' } as Reply<T>)),
      (error: unknown) => ({ ok: false, code: 'unreachable', message: String(error) }) as Reply<T>,
    );
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface HistoryEntry {
  requestId: string;
  documentId: string;
  system: SystemId;
  pageOrigin: string;
  signedAt: string;
}
