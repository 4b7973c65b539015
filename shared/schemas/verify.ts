import { z } from 'zod';
import { base64Schema, sha256Base64Schema } from './common.js';

export const verifyRequestSchema = z.union([
  z.strictObject({ signature: base64Schema.min(4), content: base64Schema }),
  z.strictObject({ signature: base64Schema.min(4), digest: sha256Base64Schema }),
]);

export type VerifyRequest = z.infer<typeof verifyRequestSchema>;

export type CertificateStatus = 'good' | 'revoked' | 'expired' | 'unknown';
export type CheckName = 'signature' | 'chain' | 'crl';

export interface VerificationReport {
  valid: boolean;
  signer: { nric: string | null; name: string | null };
  signedAt: string | null;
  certificate: { serial: string; status: CertificateStatus; revokedAt: string | null };
  checks: { name: CheckName; ok: boolean; reason?: string }[];
}
