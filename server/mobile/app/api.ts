import { text, type Lang } from './text.js';

/** A refusal or a failure, with the words to show (the server's own, in the page's language). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The device API (/api/v1/mobile/…): JSON in and out, the device's secret as a Bearer token. */
export async function api<T>(lang: Lang, method: string, path: string, body?: unknown, secret?: string): Promise<T> {
  const headers: Record<string, string> = { 'Accept-Language': lang };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (secret) headers['Authorization'] = `Bearer ${secret}`;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError('network', text(lang, 'network'));
  }
  const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: { reason?: unknown } } };
  if (!res.ok) {
    const reason = data.error?.details?.reason;
    // Said plainly, with where to check (the same words whether the MyKad or the phone is wrong).
    if (reason === 'phone_mismatch' || data.error?.code === 'user_not_found') throw new ApiError('phone_mismatch', text(lang, 'phoneMismatch'));
    throw new ApiError(data.error?.code ?? 'internal', data.error?.message ?? text(lang, 'httpError', { status: res.status }));
  }
  return data as T;
}
