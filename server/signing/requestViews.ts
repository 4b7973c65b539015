import type { CreatedSigningRequest, SigningRequestView } from '../../shared/schemas/signingRequest.js';
import { OTP_LENGTH } from '../otp/otp.js';
import type { SigningPolicy } from './deps.js';
import { viewStatus, type RequestRow } from './requestStore.js';

/** The answer to create and re-send: where the OTP went, until when, and when it may be sent again. */
export function createdView(row: RequestRow, policy: Pick<SigningPolicy, 'otpResendCooldownSeconds'>): CreatedSigningRequest {
  return {
    id: row.id,
    status: 'pending',
    expiresAt: new Date(row.otpExpiresAt).toISOString(),
    channel: row.channel,
    destination: row.destination,
    otpLength: OTP_LENGTH,
    verificationCode: row.verificationCode,
    resendAvailableAt: new Date(row.lastOtpSentAt + policy.otpResendCooldownSeconds * 1000).toISOString(),
  };
}

/** What a caller may read of a request (GET, cancel). */
export function requestView(row: RequestRow, now: number): SigningRequestView {
  return {
    id: row.id,
    status: viewStatus(row, now),
    system: row.system,
    origin: row.origin,
    expiresAt: new Date(row.otpExpiresAt).toISOString(),
    createdAt: new Date(row.createdAt).toISOString(),
    signedAt: row.signedAt === null ? null : new Date(row.signedAt).toISOString(),
    channel: row.channel,
    destination: row.destination,
    verificationCode: row.verificationCode,
    documents: row.documents.map((d) => ({ id: d.id, ...(d.summary ? { summary: d.summary } : {}) })),
  };
}
