import { sha256 } from '@noble/hashes/sha2.js';

/**
 * The canonical bytes of a legacy document: one rule for widget, extension, server and tests.
 * Fields are sorted by name; names and values have their whitespace collapsed and trimmed;
 * each field is "name=value" on its own line (LF), UTF-8 encoded.
 */
export function canonicalDocumentText(fields: Record<string, string>): string {
  const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
  return Object.keys(fields)
    .map((name) => [clean(name), clean(fields[name] ?? '')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}\n`)
    .join('');
}

export function canonicalDocumentBytes(fields: Record<string, string>): Uint8Array {
  return new TextEncoder().encode(canonicalDocumentText(fields));
}

/** Standard padded base64 of bytes (browser and Node alike). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/**
 * SHA-256 of the canonical bytes, base64: the `digest` a signing request carries. Computed in
 * JavaScript (@noble/hashes), so it works where `crypto.subtle` is missing (plain-http pages).
 */
export function documentDigestSync(fields: Record<string, string>): string {
  return toBase64(sha256(canonicalDocumentBytes(fields)));
}

export async function documentDigest(fields: Record<string, string>): Promise<string> {
  return documentDigestSync(fields);
}
