import fs from 'node:fs';
import path from 'node:path';
import { openssl, tempFiles } from './openssl.js';

/** A folder with `data.bin` and an `openssl ts -query` over it (SHA-256, a nonce, certReq): the query's DER. */
export function opensslTsQuery(data: Buffer, extra: string[] = ['-cert']): { dir: string; query: Buffer } {
  const dir = tempFiles({ 'data.bin': data });
  const made = openssl(['ts', '-query', '-data', path.join(dir, 'data.bin'), '-sha256', ...extra, '-out', path.join(dir, 'query.tsq')]);
  if (!made.ok) throw new Error(`openssl ts -query: ${made.output}`);
  return { dir, query: fs.readFileSync(path.join(dir, 'query.tsq')) };
}

/** `openssl ts -verify` of a reply (or, with token: true, a bare token) against the query and the data, trusting `caPem`. */
export function opensslTsVerify(options: { dir: string; reply: Buffer; caPem: string; token?: boolean; against?: 'queryfile' | 'data' }) {
  const { dir } = options;
  fs.writeFileSync(path.join(dir, 'reply.der'), options.reply);
  fs.writeFileSync(path.join(dir, 'ca.pem'), options.caPem);
  const against = options.against === 'data' ? ['-data', path.join(dir, 'data.bin')] : ['-queryfile', path.join(dir, 'query.tsq')];
  return openssl(['ts', '-verify', ...(options.token ? ['-token_in'] : []), '-in', path.join(dir, 'reply.der'), ...against, '-CAfile', path.join(dir, 'ca.pem')]);
}

/** `openssl ts -reply -in … -text` (or of a token with token: true). */
export function opensslTsText(options: { dir: string; reply: Buffer; token?: boolean }) {
  fs.writeFileSync(path.join(options.dir, 'shown.der'), options.reply);
  return openssl(['ts', '-reply', '-in', path.join(options.dir, 'shown.der'), ...(options.token ? ['-token_in'] : []), '-text']);
}
