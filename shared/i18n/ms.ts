import type { ErrorCode } from '../errors.js';

/** Bahasa Malaysia: the default language of every message. */
export const ms = {
  'error.bad_request': 'Permintaan tidak sah.',
  'error.not_found': 'Tidak dijumpai.',
  'error.user_not_found': 'Pengguna tidak dijumpai.',
  'error.medium_not_roaming': 'Pengguna ini tidak menggunakan tandatangan Roaming.',
  'error.origin_not_allowed': 'Laman ini tidak dibenarkan meminta tandatangan untuk sistem ini.',
  'error.unauthorized': 'Pengesahan diperlukan.',
  'error.forbidden': 'Tindakan ini tidak dibenarkan.',
  'error.pin_invalid': 'PIN tidak sah.',
  'error.pin_locked': 'PIN telah dikunci selepas terlalu banyak cubaan salah. Sila set semula PIN atau hubungi pentadbir.',
  'error.otp_invalid': 'Kod OTP tidak sah.',
  'error.otp_expired': 'Kod OTP telah tamat tempoh. Sila minta kod baharu.',
  'error.otp_attempts_exceeded': 'Terlalu banyak cubaan OTP yang salah. Sila mulakan semula.',
  'error.request_not_pending': 'Permintaan tandatangan ini tidak lagi menunggu.',
  'error.rate_limited': 'Terlalu banyak permintaan. Sila cuba sebentar lagi.',
  'error.payload_too_large': 'Kandungan permintaan terlalu besar.',
  'error.certificate_revoked': 'Sijil digital telah dibatalkan.',
  'error.internal': 'Ralat dalaman pelayan. Sila cuba lagi.',
  'otp.subject': 'Kod OTP tandatangan RoamSign: {verificationCode}',
  'otp.intro': 'Anda diminta menandatangani dalam {system}:',
  'otp.document': '- {id}{amount}{payee}',
  'otp.batch': '{count} dokumen, jumlah {total}',
  'otp.code': 'Kod OTP anda: {otp}',
  'otp.verification': 'Kod pengesahan (mesti sama dengan skrin): {verificationCode}',
  'otp.expiry': 'Sah sehingga {expiresAt} ({minutes} minit). Jangan kongsi kod ini dengan sesiapa.',
  'otp.ignore': 'Jika anda tidak meminta tandatangan ini, abaikan e-mel ini dan maklumkan pentadbir.',
} as const;

export type MessageKey = keyof typeof ms;
export type Messages = Record<MessageKey, string>;

// Compile-time proof that every error code has a message.
const _everyErrorHasMessage: Record<`error.${ErrorCode}`, string> = ms;
void _everyErrorHasMessage;
