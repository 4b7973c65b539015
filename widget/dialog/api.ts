import { readApiAnswer } from '../../shared/apiAnswer.js';
import type { Lang } from '../../shared/i18n/index.js';
import { t } from '../../shared/i18n/index.js';
import type { MediumAnswer } from '../../shared/schemas/medium.js';
import type { CompletedSigningRequest, CreatedSigningRequest } from '../../shared/schemas/signingRequest.js';
import type { PasskeyOffer } from '../../shared/schemas/passkey.js';
import { PAGE_ORIGIN_HEADER, type SignDocument, type WidgetErrorCode } from '../../shared/widgetProtocol.js';
import type { SystemId } from '../../shared/systems.js';

/** An API or network failure as the dialog shows it. */
export class DialogError extends Error {
  constructor(
    readonly code: WidgetErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Same-origin calls to the RoamSign API, on behalf of the page whose origin the browser told us. */
export function createApi(options: { pageOrigin: string; lang: Lang }) {
  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`/api/v1${path}`, {
        method,
        headers: {
          Accept: 'application/json',
          'Accept-Language': options.lang,
          [PAGE_ORIGIN_HEADER]: options.pageOrigin,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new DialogError('unreachable', t(options.lang, 'widget.unreachable'));
    }
    const answer = await readApiAnswer<T>(response);
    if (!answer.ok) throw new DialogError(answer.code, answer.message ?? t(options.lang, `error.${answer.code}`), answer.details);
    return answer.value;
  }

  return {
    medium: (nric: string) => request<MediumAnswer>('GET', `/users/${encodeURIComponent(nric)}/medium`),
    create: (body: { nric: string; system: SystemId; documents: SignDocument[] }) => request<CreatedSigningRequest>('POST', '/signing-requests', body),
    resend: (id: string) => request<CreatedSigningRequest>('POST', `/signing-requests/${id}/otp`),
    complete: (id: string, pin: string, otp: string) => request<CompletedSigningRequest>('POST', `/signing-requests/${id}/complete`, { pin, otp }),
    cancel: (id: string) => request<unknown>('POST', `/signing-requests/${id}/cancel`),
    // Passkeys (issue 11): only where the dialog runs in RoamSign's origin (the WebAuthn RP).
    passkeyOffer: (id: string) => request<PasskeyOffer>('POST', `/signing-requests/${id}/passkey`),
    completePasskey: (id: string, pin: string, credential: unknown) => request<CompletedSigningRequest>('POST', `/signing-requests/${id}/complete-passkey`, { pin, credential }),
  };
}

export type DialogApi = ReturnType<typeof createApi>;
