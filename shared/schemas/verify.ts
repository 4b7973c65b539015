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
export const checkNameSchema = z.enum(['signature', 'chain', 'crl', 'timestamp']);

/** ETSI EN 319 102-1 §5.1.3: the main status indication of a validation. */
export const indicationSchema = z.enum(['TOTAL_PASSED', 'INDETERMINATE', 'TOTAL_FAILED']);
/** ETSI EN 319 102-1 §5.1.3 sub-indications RoamSign reports. */
export const subIndicationSchema = z.enum([
  'HASH_FAILURE',
  'SIG_CRYPTO_FAILURE',
  'REVOKED',
  'FORMAT_FAILURE',
  'NO_SIGNING_CERTIFICATE_FOUND',
  'NO_CERTIFICATE_CHAIN_FOUND',
  'REVOKED_NO_POE',
  'OUT_OF_BOUNDS_NO_POE',
  'NO_POE',
  'TRY_LATER',
]);
export const signatureLevelSchema = z.enum(['CAdES-BASELINE-B', 'CAdES-BASELINE-T']);

export const verificationReportSchema = z
  .object({
    valid: z.boolean(),
    signer: z.object({ nric: z.string().nullable(), name: z.string().nullable() }),
    signedAt: z.iso.datetime().nullable(),
    certificate: z.object({
      serial: z.string().meta({ description: 'hex' }),
      status: certificateStatusSchema,
      revokedAt: z.iso.datetime().nullable(),
      // Issue 20: RoamSign's additions.
      revocationReason: z.string().nullable().optional().meta({ description: 'RFC 5280 CRL reason of a revoked certificate' }),
      notAfter: z.iso.datetime().optional(),
    }),
    // Issue 20 (ETSI EN 319 102-1): validation at the proven time. `valid` is true only for TOTAL_PASSED.
    indication: indicationSchema.optional(),
    subIndication: subIndicationSchema.nullable().optional(),
    bestSignatureTime: z.iso.datetime().nullable().optional().meta({ description: 'the proven time of existence (the signature time-stamp), else the validation time' }),
    bestSignatureTimeSource: z.enum(['signature-time-stamp', 'validation-time']).optional(),
    signatureLevel: signatureLevelSchema.optional(),
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
export type Indication = z.infer<typeof indicationSchema>;
export type SubIndication = z.infer<typeof subIndicationSchema>;
export type VerificationReport = z.infer<typeof verificationReportSchema>;
