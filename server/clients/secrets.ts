import crypto from 'node:crypto';

// Client secrets and access tokens are 256-bit random values. A slow hash adds nothing against
// guessing 2^256 values, so each is stored as its SHA-256 (as GitHub stores tokens): a stolen
// database yields no usable secret, and a look-up by hash leaks no timing about the value.

/** A new random secret with a readable prefix (secret scanners and people can tell them apart). */
export function newSecret(prefix: 'rs_cs' | 'rs_at'): string {
  return `${prefix}_${crypto.randomBytes(32).toString('base64url')}`;
}

/** SHA-256 (hex) of a secret or token: what the database stores. */
export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && crypto.timingSafeEqual(presented, stored);
}
