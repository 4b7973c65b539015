import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;

const N = 16384;
const KEY_BYTES = 32;
export const PASSWORD_MIN_LENGTH = 12;

/** scrypt verifier of an administrator's password: `scrypt$N$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, KEY_BYTES, { N, r: 8, p: 1 });
  return `scrypt$${N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Constant-time check; a malformed verifier never matches. */
export async function verifyPassword(password: string, verifier: string): Promise<boolean> {
  const [scheme, n, salt, hash] = verifier.split('$');
  if (scheme !== 'scrypt' || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: 8, p: 1 });
  return crypto.timingSafeEqual(expected, actual);
}

/** A one-time initial password shown once by the CLI: 18 random bytes, 24 characters. */
export function generatePassword(): string {
  return crypto.randomBytes(18).toString('base64url');
}
