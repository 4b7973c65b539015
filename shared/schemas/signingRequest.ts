import { z } from 'zod';
import { AMOUNT_PATTERN } from '../money.js';
import { nricSchema, sha256Base64Schema, systemSchema } from './common.js';

/** Most documents one request (and one OTP) may sign: a batch (pukal). */
export const MAX_BATCH_DOCUMENTS = 500;

export const documentSummarySchema = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  amount: z
    .string()
    .regex(AMOUNT_PATTERN, 'expected an amount like 12,500.00')
    .optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code like MYR').optional(),
  payee: z.string().trim().min(1).max(200).optional(),
});

export const signingDocumentSchema = z.strictObject({
  id: z.string().trim().min(1).max(100),
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
  });

export const completeSigningRequestSchema = z.strictObject({
  pin: z.string().regex(/^\d{6,12}$/, 'expected a PIN of 6 to 12 digits'),
  otp: z.string().regex(/^\d{6}$/, 'expected a 6-digit OTP'),
});

export const requestIdSchema = z.string().regex(/^sr_[A-Za-z0-9_-]{10,40}$/, 'expected a signing request id');

export type DocumentSummary = z.infer<typeof documentSummarySchema>;
export type SigningDocument = z.infer<typeof signingDocumentSchema>;
export type CreateSigningRequest = z.infer<typeof createSigningRequestSchema>;
export type CompleteSigningRequest = z.infer<typeof completeSigningRequestSchema>;

export const SIGNING_STATUSES = ['pending', 'signed', 'failed', 'expired', 'cancelled'] as const;
export type SigningStatus = (typeof SIGNING_STATUSES)[number];

export interface CreatedSigningRequest {
  id: string;
  status: 'pending';
  expiresAt: string;
  channel: 'push' | 'email';
  destination: string;
  otpLength: number;
  verificationCode: string;
  /** When a new OTP may be asked for (not in API.md; RoamSign's own). */
  resendAvailableAt: string;
}

export interface SigningRequestView {
  id: string;
  status: SigningStatus;
  system: string;
  origin: string | null;
  expiresAt: string;
  createdAt: string;
  signedAt: string | null;
  channel: 'push' | 'email';
  destination: string;
  verificationCode: string;
  documents: { id: string; summary?: DocumentSummary }[];
}

export interface DocumentSignature {
  documentId: string;
  signature: string;
  certificateSerial: string;
}

export interface CompletedSigningRequest {
  id: string;
  status: 'signed';
  signedAt: string;
  signatures: DocumentSignature[];
  verification: { valid: boolean; checkedAt: string };
}
