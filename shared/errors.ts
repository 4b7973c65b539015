/** The stable error codes of API.md. Adding one fails to compile until every Record<ErrorCode, …> handles it. */
export const ERROR_CODES = [
  'bad_request',
  'not_found',
  'user_not_found',
  'medium_not_roaming',
  'origin_not_allowed',
  'unauthorized',
  'forbidden',
  'pin_invalid',
  'pin_locked',
  'otp_invalid',
  'otp_expired',
  'otp_attempts_exceeded',
  'request_not_pending',
  'rate_limited',
  'payload_too_large',
  'certificate_revoked',
  'unavailable',
  'internal',
  // Passkeys (issue 11): added codes; API.md's stay as they are.
  'passkey_malformed',
  'passkey_origin_mismatch',
  'passkey_rp_id_mismatch',
  'passkey_challenge_replayed',
  'passkey_challenge_mismatch',
  'passkey_uv_missing',
  'passkey_counter_regression',
  'passkey_credential_unknown',
  'passkey_required',
  'passkey_not_allowed',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * What only a browser client (widget, extension) knows went wrong between the click and the post;
 * no HTTP status. Each has a message in shared/i18n (`client.<code>`): what happened, what to do.
 */
export const CLIENT_ERROR_CODES = [
  'cancelled',
  'unreachable',
  'medium_token',
  'blocked',
  'timeout',
  'script_error',
  'no_officer',
  'no_document',
  'ambiguous_document',
  'field_missing',
  'unsupported_request',
  // Issue 18: the clicked control, and batch approval.
  'unknown_control',
  'nothing_selected',
  'hidden_selected',
  'too_many_documents',
] as const;

export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/** HTTP status of each code (API.md "Errors"). */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  user_not_found: 404,
  medium_not_roaming: 409,
  origin_not_allowed: 403,
  unauthorized: 401,
  forbidden: 403,
  pin_invalid: 401,
  pin_locked: 423,
  otp_invalid: 401,
  otp_expired: 410,
  otp_attempts_exceeded: 429,
  request_not_pending: 409,
  rate_limited: 429,
  payload_too_large: 413,
  certificate_revoked: 409,
  unavailable: 503,
  internal: 500,
  passkey_malformed: 400,
  passkey_origin_mismatch: 401,
  passkey_rp_id_mismatch: 401,
  passkey_challenge_replayed: 409,
  passkey_challenge_mismatch: 409,
  passkey_uv_missing: 401,
  passkey_counter_regression: 401,
  passkey_credential_unknown: 401,
  passkey_required: 403,
  passkey_not_allowed: 403,
};

export type ErrorDetails = Record<string, unknown>;

/** The wire shape of every non-2xx answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetails };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** An error that crosses the API boundary as { error: { code, … } }; `cause` stays on the server. */
export class RoamSignError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(code, options);
    this.name = 'RoamSignError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
