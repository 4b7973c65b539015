import { z } from 'zod';
import { APPROVAL_REFUSALS, type ApprovalDecision, type ApprovalRelease, type ApprovalRequest } from '../shared/schemas/approval.js';

/** RoamSign could not decide (down, slow, refused our credentials, answered nonsense): the gate fails closed. */
export class RoamSignUnavailable extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'RoamSignUnavailable';
  }
}

const tokenAnswer = z.object({ access_token: z.string().min(1), token_type: z.string().regex(/^bearer$/i), expires_in: z.number().int().positive() });
const decisionAnswer = z.discriminatedUnion('decision', [
  z.object({
    decision: z.literal('pass'),
    approvalId: z.string().nullable(),
    officer: z.string(),
    medium: z.enum(['roaming', 'token']),
    requestId: z.string().nullable(),
    documentId: z.string().nullable(),
  }),
  z.object({ decision: z.literal('refuse'), reason: z.enum(APPROVAL_REFUSALS) }),
]);

/** A token is renewed this long before it runs out. */
const RENEW_BEFORE_MS = 30_000;

/**
 * The gate's side of caller authentication (API.md): it gets a Bearer token with its system's
 * client credentials (client credentials grant, scope `approvals`), keeps it until shortly before
 * it expires, and asks POST /api/v1/approvals. One token fetch at a time; a 401 renews it once.
 */
export function createRoamSignClient(options: { url: string; clientId: string; clientSecret: string; timeoutMs: number; now?: () => number }) {
  const { url, clientId, clientSecret, timeoutMs } = options;
  const now = options.now ?? Date.now;
  let token: { value: string; renewAt: number } | null = null;
  let fetching: Promise<string> | null = null;

  async function send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(new URL(path, url), { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new RoamSignUnavailable('unreachable', { cause: error });
    }
  }

  async function fetchToken(): Promise<string> {
    // RFC 6749 §2.3.1: id and secret form-encoded, then HTTP Basic.
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const res = await send('/oauth2/token', {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'approvals' }).toString(),
    });
    const parsed = tokenAnswer.safeParse(await res.json().catch(() => null));
    if (res.status !== 200 || !parsed.success) throw new RoamSignUnavailable(`token refused (${res.status})`);
    token = { value: parsed.data.access_token, renewAt: now() + parsed.data.expires_in * 1000 - RENEW_BEFORE_MS };
    return token.value;
  }

  function currentToken(): Promise<string> {
    if (token && now() < token.renewAt) return Promise.resolve(token.value);
    fetching ??= fetchToken().finally(() => {
      fetching = null;
    });
    return fetching;
  }

  async function askOnce(request: ApprovalRequest, bearer: string): Promise<Response> {
    return send('/api/v1/approvals', {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(request),
    });
  }

  return {
    /** RoamSign's decision on one approval post; throws RoamSignUnavailable when there is none. */
    async decide(request: ApprovalRequest): Promise<ApprovalDecision> {
      let res = await askOnce(request, await currentToken());
      if (res.status === 401) {
        await res.body?.cancel();
        token = null;
        res = await askOnce(request, await currentToken());
      }
      const parsed = decisionAnswer.safeParse(await res.json().catch(() => null));
      if (res.status !== 200 || !parsed.success) throw new RoamSignUnavailable(`no decision (${res.status})`);
      return parsed.data;
    },
    /** Gives a passed approval back: the back end did not take it (5xx or no answer); the officer's retry then passes once. */
    async release(approvalId: string, upstream: ApprovalRelease['upstream']): Promise<void> {
      const post = async (bearer: string) =>
        send(`/api/v1/approvals/${encodeURIComponent(approvalId)}/release`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ upstream }),
        });
      let res = await post(await currentToken());
      if (res.status === 401) {
        await res.body?.cancel();
        token = null;
        res = await post(await currentToken());
      }
      await res.body?.cancel();
      if (res.status !== 200) throw new RoamSignUnavailable(`not released (${res.status})`);
    },
  };
}

export type RoamSignClient = ReturnType<typeof createRoamSignClient>;
