import { z } from 'zod';
import { base64Schema, sha256Base64Schema } from './common.js';

export const verifyRequestSchema = z
  .union([
    z.strictObject({ signature: base64Schema.min(4).meta({ description: 'base64 CMS DER' }), content: base64Schema.meta({ description: 'base64 of the signed document' }) }),
    z.strictObject({ signature: base64Schema.min(4).meta({ description: 'base64 CMS DER' }), digest: sha256Base64Schema.meta({ description: 'base64 SHA-256 of the signed document' }) }),
  ])
  .meta({ id: 'VerifyRequest' });

export type VerifyRequest = z.infer<typeof verifyRequestSchema>;

export const certificateStatusSchema = z.enum(['good', 'revoked', 'expired', 'unknown']);
export const checkNameSchema = z.enum(['signature', 'chain', 'crl']);

export const verificationReportSchema = z
  .object({
    valid: z.boolean(),
    signer: z.object({ nric: z.string().nullable(), name: z.string().nullable() }),
    signedAt: z.iso.datetime().nullable(),
    certificate: z.object({ serial: z.string().meta({ description: 'hex' }), status: certificateStatusSchema, revokedAt: z.iso.datetime().nullable() }),
    checks: z.array(z.object({ name: checkNameSchema, ok: z.boolean(), reason: z.string().optional().meta({ description: 'why the check failed' }) })),
    // Issue 11: RoamSign's own addition, present when the signature was authorised with PIN + passkey.
    passkey: z
      .object({
        credentialId: z.string().meta({ description: 'base64url WebAuthn credential id' }),
        authenticatorData: z.string().meta({ description: 'base64 authenticator data of the assertion that authorised it' }),
        counter: z.number().int(),
        usedAt: z.iso.datetime(),
      })
      .optional()
      .meta({ description: 'the passkey that authorised this signature (absent for PIN + OTP)' }),
  })
  .meta({ id: 'VerificationReport' });

export type CertificateStatus = z.infer<typeof certificateStatusSchema>;
export type CheckName = z.infer<typeof checkNameSchema>;
export type VerificationReport = z.infer<typeof verificationReportSchema>;
