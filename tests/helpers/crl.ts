import { openssl, tempFiles } from './openssl.js';
import path from 'node:path';

/** The serials (lower-case hex) a DER CRL lists, read by OpenSSL: proof that relying parties can parse it. */
export function crlSerials(der: Buffer): { serials: string[]; number: number } {
  const dir = tempFiles({ 'crl.der': der });
  const result = openssl(['crl', '-inform', 'DER', '-in', path.join(dir, 'crl.der'), '-noout', '-text']);
  if (!result.ok) throw new Error(`openssl cannot parse the CRL: ${result.output}`);
  const serials = [...result.output.matchAll(/Serial Number: ([0-9A-F]+)/gi)].map((m) => m[1]!.toLowerCase().replace(/^(00)+/, ''));
  const number = Number.parseInt(/X509v3 CRL Number:\s*\n?\s*([0-9A-F]+)/i.exec(result.output)?.[1] ?? 'NaN', 16);
  return { serials, number };
}

/** Polls a server's /crl until `serial` is listed or `withinMs` passes; returns how long it took, or null. */
export async function waitForCrlListing(base: string, serial: string, withinMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started <= withinMs) {
    const der = Buffer.from(await (await fetch(`${base}/crl`)).arrayBuffer());
    if (crlSerials(der).serials.includes(serial.toLowerCase().replace(/^(00)+/, ''))) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}
