import crypto from 'node:crypto';

export const OTP_LENGTH = 6;
/** DESIGN.md: at most 3 wrong tries per request. */
export const OTP_MAX_ATTEMPTS = 3;

export type RandomInt = (max: number) => number;

/** 6 digits from a CSPRNG (DESIGN.md "Security rules"). */
export function generateOtp(randomInt: RandomInt = (max) => crypto.randomInt(max)): string {
  return String(randomInt(10 ** OTP_LENGTH)).padStart(OTP_LENGTH, '0');
}

/** The only form an OTP is stored in: HMAC-SHA256 bound to its request. */
export function hashOtp(key: Buffer, requestId: string, otp: string): string {
  return crypto.createHmac('sha256', key).update(`${requestId}:${otp}`).digest('base64url');
}

/** Constant-time comparison of an OTP with its stored hash. */
export function otpMatches(key: Buffer, requestId: string, otp: string, storedHash: string | null): boolean {
  if (!storedHash) return false;
  const actual = Buffer.from(hashOtp(key, requestId, otp));
  const expected = Buffer.from(storedHash);
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}
