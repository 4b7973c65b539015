import { z } from 'zod';
import { MAX_BATCH_DOCUMENTS } from '../batchLimit.js';
import { AMOUNT_PATTERN } from '../money.js';
import { nricSchema, sha256Base64Schema, systemSchema, textSchema } from './common.js';

export { MAX_BATCH_DOCUMENTS };

export const documentSummarySchema = z.strictObject({
  title: textSchema(1, 200).optional(),
  amount: z
    .string()
    .regex(AMOUNT_PATTERN, 'expected an amount like 12,500.00')
    .optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code like MYR').optional(),
  payee: textSchema(1, 200).optional(),
});

export const signingDocumentSchema = z.strictObject({
  id: textSchema(1, 100),
  digest: sha256Base64Schema,
  summary: documentSummarySchema.optional(),
});

export const createSigningRequestSchema = z
  .strictObject({
    nric: nricSchema,
    system: systemSchema,
    documents: z.array(signingDocumentSchema).min(1).max(MAX_BATCH_DOCUMENTS),
    channel: z.enum(['push', 'email']).optional(),
  })
  .refine((body) => new Set(body.documents.map((d) => d.id)).size === body.documents.length, {
    message: 'document ids must be unique within a request',
    path: ['documents'],
  })
  .meta({ id: 'CreateSigningRequest' });

export const completeSigningRequestSchema = z
  .strictObject({
    pin: z.string().regex(/^\d{6,12}$/, 'expected a PIN of 6 to 12 digits'),
    otp: z.string().regex(/^\d{6}$/, 'expected a 6-digit OTP'),
  })
  .meta({ id: 'CompleteSigningRequest' });

export const requestIdSchema = z.string().regex(/^sr_[A-Za-z0-9_-]{10,40}$/, 'expected a signing request id');

export type DocumentSummary = z.infer<typeof documentSummarySchema>;
export type SigningDocument = z.infer<typeof signingDocumentSchema>;
export type CreateSigningRequest = z.infer<typeof createSigningRequestSchema>;
export type CompleteSigningRequest = z.infer<typeof completeSigningRequestSchema>;

export const SIGNING_STATUSES = ['pending', 'signed', 'failed', 'expired', 'cancelled'] as const;
export type SigningStatus = (typeof SIGNING_STATUSES)[number];

// ---- answers (API.md); the widget and extension import only their types ----

const channelSchema = z.enum(['push', 'email']).meta({ description: 'where the OTP went: GPKI Mobile (push) or e-mail' });

export const createdSigningRequestSchema = z
  .object({
    id: z.string().meta({ example: 'sr_Qm9vdHN0cmFwcGluZzE' }),
    status: z.literal('pending'),
    expiresAt: z.iso.datetime(),
    channel: channelSchema,
    destination: z.string().meta({ description: 'masked address or device', example: 'a***@anm.gov.my' }),
    otpLength: z.number().int(),
    verificationCode: z.string().meta({ description: '4 digits shown in the dialog and in the OTP message', example: '4821' }),
    resendAvailableAt: z.iso.datetime().meta({ description: 'when a new OTP may be asked for (not in API.md; RoamSign\'s own)' }),
  })
  .meta({ id: 'CreatedSigningRequest' });

export const signingRequestViewSchema = z
  .object({
    id: z.string(),
    status: z.enum(SIGNING_STATUSES),
    system: z.string(),
    origin: z.string().nullable().meta({ description: 'the browser origin that asked, null for a system\'s server' }),
    expiresAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    signedAt: z.iso.datetime().nullable(),
    channel: channelSchema,
    destination: z.string(),
    verificationCode: z.string(),
    documents: z.array(z.object({ id: z.string(), summary: documentSummarySchema.optional() })),
  })
  .meta({ id: 'SigningRequest' });

export const documentSignatureSchema = z
  .object({
    documentId: z.string(),
    signature: z.string().meta({ description: 'base64 CMS DER (detached, CAdES-BES)' }),
    certificateSerial: z.string().meta({ description: 'hex' }),
  })
  .meta({ id: 'DocumentSignature' });

export const completedSigningRequestSchema = z
  .object({
    id: z.string(),
    status: z.literal('signed'),
    signedAt: z.iso.datetime(),
    signatures: z.array(documentSignatureSchema),
    verification: z.object({ valid: z.boolean(), checkedAt: z.iso.datetime() }),
  })
  .meta({ id: 'CompletedSigningRequest' });

export type CreatedSigningRequest = z.infer<typeof createdSigningRequestSchema>;
export type SigningRequestView = z.infer<typeof signingRequestViewSchema>;
export type DocumentSignature = z.infer<typeof documentSignatureSchema>;
export type CompletedSigningRequest = z.infer<typeof completedSigningRequestSchema>;
