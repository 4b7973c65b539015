import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateOtp, hashOtp, otpMatches } from '../../../server/otp/otp.js';

const key = crypto.randomBytes(32);

describe('OTP', () => {
  it('is 6 digits, zero-padded, from the injected random source', () => {
    expect(generateOtp(() => 42)).toBe('000042');
    expect(generateOtp(() => 999_999)).toBe('999999');
  });

  it('asks the random source for a number below 10^6', () => {
    let asked = 0;
    generateOtp((max) => {
      asked = max;
      return 0;
    });
    expect(asked).toBe(1_000_000);
  });

  it('is spread over the whole range with the real CSPRNG', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => generateOtp()));
    expect(seen.size).toBeGreaterThan(1990);
    for (const otp of seen) expect(otp).toMatch(/^\d{6}$/);
  });

  it('is stored only as a keyed hash bound to its request', () => {
    const hash = hashOtp(key, 'sr_a', '123456');
    expect(hash).not.toContain('123456');
    expect(hash).not.toBe(hashOtp(key, 'sr_b', '123456'));
    expect(hash).not.toBe(hashOtp(crypto.randomBytes(32), 'sr_a', '123456'));
    expect(otpMatches(key, 'sr_a', '123456', hash)).toBe(true);
    expect(otpMatches(key, 'sr_a', '123457', hash)).toBe(false);
    expect(otpMatches(key, 'sr_b', '123456', hash)).toBe(false);
    expect(otpMatches(key, 'sr_a', '123456', null)).toBe(false);
  });
});
