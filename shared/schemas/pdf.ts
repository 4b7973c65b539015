import { z } from 'zod';
import { nricSchema, systemSchema, textSchema } from './common.js';
import { signingDocumentSchema } from './signingRequest.js';

// PDF signing (issue 25): RoamSign prepares the revision that is signed, computes the digest of
// its byte range itself, and hands back a document entry for POST /api/v1/signing-requests.

/** Largest PDF the API accepts by default (ROAMSIGN_PDF_MAX_BYTES). */
export const DEFAULT_PDF_MAX_BYTES = 50 * 1024 * 1024;

export const pdfIdSchema = z.string().regex(/^pdf_[A-Za-z0-9_-]{16,40}$/, 'expected a PDF id');

const points = z.coerce.number().finite().min(0).max(14_400);

/** Where the stamp goes: a signature field the PDF names, or a box (PDF points from the page's lower-left corner). */
export const pdfPlacementSchema = z.union([
  z.strictObject({ field: textSchema(1, 100).meta({ description: 'an empty signature field of the PDF, e.g. "Peraku_I"' }) }),
  z.strictObject({
    page: z.coerce.number().int().min(1).max(100_000).meta({ description: 'page number, from 1' }),
    x: points,
    y: points,
    width: points.min(20),
    height: points.min(20),
  }),
]);

/** The query of POST /api/v1/pdfs (the body is the PDF itself, application/pdf). */
export const preparePdfQuerySchema = z
  .strictObject({
    nric: nricSchema.meta({ description: 'the officer who will sign (named in the stamp)' }),
    system: systemSchema,
    title: textSchema(1, 200).optional().meta({ description: 'what the officer reads in the dialog and the OTP message, e.g. "Baucar Bayaran BB-2026-000123"' }),
    field: textSchema(1, 100).optional(),
    page: z.coerce.number().int().min(1).max(100_000).optional(),
    x: points.optional(),
    y: points.optional(),
    width: points.min(20).optional(),
    height: points.min(20).optional(),
  })
  .meta({ id: 'PreparePdfQuery' });

/** POST /api/v1/pdfs/{id}/next: the next approver signs over the signed PDF of {id}, without uploading it again. */
export const nextPdfSignatureSchema = z
  .strictObject({
    nric: nricSchema,
    title: textSchema(1, 200).optional(),
    placement: pdfPlacementSchema.optional(),
  })
  .meta({ id: 'NextPdfSignature' });

export const PDF_STATUSES = ['prepared', 'signed'] as const;

export const preparedPdfSchema = z
  .object({
    id: pdfIdSchema,
    status: z.enum(PDF_STATUSES),
    document: signingDocumentSchema.meta({ description: 'put this entry in documents[] of POST /api/v1/signing-requests (same officer and system)' }),
    nric: z.string(),
    system: z.string(),
    fieldName: z.string(),
    byteRange: z.array(z.number().int()).length(4).meta({ description: 'the /ByteRange whose SHA-256 is document.digest' }),
    size: z.number().int(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().meta({ description: 'an unsigned prepared PDF is forgotten after this' }),
    signedAt: z.iso.datetime().nullable(),
    level: z.enum(['PAdES-BASELINE-B', 'PAdES-BASELINE-T', 'PAdES-BASELINE-LT', 'PAdES-BASELINE-LTA']).nullable(),
    previous: pdfIdSchema.nullable().meta({ description: 'the signed PDF this revision continues (an earlier approver)' }),
  })
  .meta({ id: 'PreparedPdf' });

export const INDICATIONS = ['TOTAL_PASSED', 'INDETERMINATE', 'TOTAL_FAILED'] as const;

export const pdfSignatureReportSchema = z
  .object({
    field: z.string(),
    kind: z.enum(['signature', 'document-timestamp']),
    subFilter: z.string().nullable(),
    indication: z.enum(INDICATIONS),
    subIndication: z.string().nullable().meta({ description: 'ETSI EN 319 102-1 name, e.g. HASH_FAILURE, NO_CERTIFICATE_CHAIN_FOUND, REVOKED_NO_POE' }),
    signer: z.object({ nric: z.string().nullable(), name: z.string().nullable() }),
    certificateSerial: z.string().nullable(),
    certificateStatus: z.enum(['good', 'revoked', 'expired', 'unknown']).nullable(),
    claimedTime: z.iso.datetime().nullable().meta({ description: 'the signature dictionary\'s /M (claimed, not proven)' }),
    provenTime: z.iso.datetime().nullable().meta({ description: 'best signature time: the earliest trusted time-stamp over it' }),
    timeSource: z.enum(['signature-time-stamp', 'document-time-stamp', 'none']),
    level: z.enum(['PAdES-BASELINE-B', 'PAdES-BASELINE-T', 'PAdES-BASELINE-LT', 'PAdES-BASELINE-LTA']).nullable(),
    coversWholeDocument: z.boolean(),
    changesAfter: z.enum(['none', 'signatures', 'form-filling', 'other']).meta({
      description: 'what later revisions changed: none; only signatures, time-stamps and validation data; form field values; anything else (not allowed)',
    }),
    changes: z.array(z.string()),
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), reason: z.string().optional() })),
  })
  .meta({ id: 'PdfSignatureReport' });

export const pdfValidationReportSchema = z
  .object({
    valid: z.boolean().meta({ description: 'every signature TOTAL_PASSED' }),
    signatures: z.array(pdfSignatureReportSchema),
    checkedAt: z.iso.datetime(),
  })
  .meta({ id: 'PdfValidationReport' });

export type PdfPlacement = z.infer<typeof pdfPlacementSchema>;
export type PreparePdfQuery = z.infer<typeof preparePdfQuerySchema>;
export type NextPdfSignature = z.infer<typeof nextPdfSignatureSchema>;
export type PreparedPdf = z.infer<typeof preparedPdfSchema>;
export type PdfSignatureReport = z.infer<typeof pdfSignatureReportSchema>;
export type PdfValidationReport = z.infer<typeof pdfValidationReportSchema>;
