import { isErrorCode, type ErrorCode } from './errors.js';

export type ApiAnswer<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string | null; details: Record<string, unknown> };

/** Reads a RoamSign API response: the body, or the error's stable code (anything unexpected is `internal`). */
export async function readApiAnswer<T>(response: Response): Promise<ApiAnswer<T>> {
  const payload = (await response.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown; details?: Record<string, unknown> } } | null;
  if (response.ok) return { ok: true, value: payload as T };
  const error = payload?.error;
  return {
    ok: false,
    code: isErrorCode(error?.code) ? error.code : 'internal',
    message: typeof error?.message === 'string' ? error.message : null,
    details: error?.details ?? {},
  };
}
