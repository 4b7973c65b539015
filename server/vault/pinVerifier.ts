import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

const R = 8;
const P = 1;

function peppered(pepper: Buffer, pin: string): Buffer {
  // The pepper never sits in the database, so a stolen database alone cannot be brute-forced.
  return crypto.createHmac('sha256', pepper).update(pin, 'utf8').digest();
}

/** `scrypt$N$r$p$salt$hash`: scrypt (RFC 7914) over HMAC(pepper, PIN); libuv's pool keeps it off the event loop. */
export async function hashPin(pepper: Buffer, pin: string, n: number): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(peppered(pepper, pin), salt, 32, { N: n, r: R, p: P, maxmem: 256 * n * R });
  return ['scrypt', n, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPin(pepper: Buffer, pin: string, verifier: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = verifier.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const N = Number(n);
  const actual = await scrypt(peppered(pepper, pin), Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r),
  });
  return crypto.timingSafeEqual(actual, expected);
}
