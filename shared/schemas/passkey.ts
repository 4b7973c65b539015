import { z } from 'zod';

// Passkeys as a signing factor (issue 11): routes RoamSign adds beside API.md's.

export const PASSKEY_POLICY_VALUES = ['otp', 'otp-or-passkey', 'passkey-required'] as const;

/** POST /api/v1/signing-requests/:id/passkey -> what the dialog may offer, and the ceremony's options. */
export const passkeyOfferSchema = z
  .object({
    policy: z.enum(PASSKEY_POLICY_VALUES),
    /** PublicKeyCredentialRequestOptionsJSON, or null when the officer has no passkey or policy is `otp`. */
    options: z
      .object({
        challenge: z.string(),
        rpId: z.string(),
        timeout: z.number().optional(),
        userVerification: z.literal('required'),
        allowCredentials: z.array(z.object({ id: z.string(), type: z.literal('public-key'), transports: z.array(z.string()).optional() })),
      })
      .nullable(),
  })
  .meta({ id: 'PasskeyOffer' });

/** POST /api/v1/signing-requests/:id/complete-passkey: the PIN and the WebAuthn assertion (AuthenticationResponseJSON). */
export const completeWithPasskeySchema = z
  .object({
    pin: z.string().regex(/^\d{6,12}$/),
    // Checked field by field on the server, so each fault has its own code (passkey_malformed …).
    credential: z.unknown(),
  })
  .strict()
  .meta({ id: 'CompleteWithPasskey' });

export type PasskeyOffer = z.infer<typeof passkeyOfferSchema>;
export type CompleteWithPasskey = z.infer<typeof completeWithPasskeySchema>;
