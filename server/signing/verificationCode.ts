import crypto from 'node:crypto';
import type { StoredDocument } from '../db/schema.js';

/**
 * 4 digits over everything a request binds (API.md: officer, system, origin, each document's id,
 * digest, amount and payee), shown in the dialog and in the OTP message (dynamic linking).
 */
export function verificationCode(binding: { nric: string; system: string; origin: string | null; documents: StoredDocument[] }): string {
  const canonical = JSON.stringify([
    binding.nric,
    binding.system,
    binding.origin,
    binding.documents.map((d) => [d.id, d.digest, d.summary?.amount ?? null, d.summary?.currency ?? null, d.summary?.payee ?? null]),
  ]);
  const hash = crypto.createHash('sha256').update(canonical).digest();
  return String(hash.readUInt32BE(0) % 10000).padStart(4, '0');
}
