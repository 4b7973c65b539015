import type { ColumnKit } from './columnKit.js';

// PDF signing (issue 25): the revisions RoamSign prepared for an officer to sign, and the signed
// PDF once its signing request signed. Times are Unix milliseconds (`ms`).
// Declared once for both dialects (columnKit.ts builds them; tables.ts gathers every area).

/** Prepared and signed PDF revisions. */
export function pdfTables(k: ColumnKit) {
  const { table, text, ms, integer, json, bytes, index } = k;

  /** One prepared signature revision of a PDF (RoamSign computed its byte range's digest). */
  const pdfDocuments = table(
    'pdf_documents',
    {
      /** `pdf_…`: the document id a signing request names. */
      id: text('id').primaryKey(),
      system: text('system').notNull(),
      /** The officer named in the stamp: only that officer's signature is put into the PDF. */
      nric: text('nric').notNull(),
      title: text('title'),
      /** base64 SHA-256 of the byte range: the document digest of the signing request. */
      digest: text('digest').notNull(),
      fieldName: text('field_name').notNull(),
      byteRange: json('byte_range').$type<[number, number, number, number]>().notNull(),
      /** Bytes the /Contents placeholder holds. */
      capacity: integer('capacity').notNull(),
      /** The whole file with the new revision, /Contents still zeros. */
      prepared: bytes('prepared').notNull(),
      status: text('status', { enum: ['prepared', 'signed'] }).notNull(),
      /** The signed PDF (null until the first download after its signing request signed). */
      signed: bytes('signed'),
      level: text('level'),
      /** The signed PDF this revision continues (the approver before). */
      previousId: text('previous_id'),
      createdAt: ms('created_at').notNull(),
      expiresAt: ms('expires_at').notNull(),
      signedAt: ms('signed_at'),
    },
    (t) => [index('pdf_documents_expiry').on(t.status, t.expiresAt)],
  );

  return { pdfDocuments };
}
