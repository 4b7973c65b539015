import type { PreparedSignature } from './preparePdfSignature.js';

export type EmbedResult = { ok: true; pdf: Buffer } | { ok: false; reason: 'too_large'; message: string };

/**
 * Writes a signature value (DER CMS, or a time-stamp token) into a prepared revision's /Contents
 * as hex, padded with zeros to the placeholder's length (ISO 32000-1 §12.8.1): no byte of the
 * signed range moves, so the value signs exactly what was hashed.
 */
export function embedSignature(prepared: Pick<PreparedSignature, 'bytes' | 'byteRange' | 'capacity'>, value: Uint8Array): EmbedResult {
  if (value.byteLength > prepared.capacity) {
    return { ok: false, reason: 'too_large', message: `the signature (${value.byteLength} bytes) is larger than its placeholder (${prepared.capacity} bytes)` };
  }
  const out = Buffer.from(prepared.bytes);
  // The hex string starts one byte after '<', which is where the first range ends.
  out.write(Buffer.from(value).toString('hex').toUpperCase().padEnd(2 * prepared.capacity, '0'), prepared.byteRange[1] + 1, 'latin1');
  return { ok: true, pdf: out };
}
