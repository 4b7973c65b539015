import { and, eq, lt } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { PreparedPdf } from '../../shared/schemas/pdf.js';
import type { Db, Tables } from '../db/database.js';

export type PdfRow = Tables['pdfDocuments']['$inferSelect'];

/** The row of PDF `id`, or 404. */
export async function loadPdf(db: Db, id: string): Promise<PdfRow> {
  const [row] = await db.orm.select().from(db.t.pdfDocuments).where(eq(db.t.pdfDocuments.id, id));
  if (!row) throw new RoamSignError('not_found');
  return row;
}

/** Forgets prepared PDFs nobody signed and signed ones past their keeping time (a few at a time). */
export async function forgetExpired(db: Db, now: number): Promise<void> {
  await db.orm.delete(db.t.pdfDocuments).where(lt(db.t.pdfDocuments.expiresAt, now));
}

/** Marks `id` signed with its final bytes, once: of two concurrent downloads one writes. */
export async function storeSigned(db: Db, id: string, values: { signed: Buffer; level: string; signedAt: number; expiresAt: number }): Promise<boolean> {
  const changed = await db.orm
    .update(db.t.pdfDocuments)
    .set({ status: 'signed', ...values })
    .where(and(eq(db.t.pdfDocuments.id, id), eq(db.t.pdfDocuments.status, 'prepared')))
    .returning({ id: db.t.pdfDocuments.id });
  return changed.length === 1;
}

const LEVELS: Record<string, PreparedPdf['level']> = {
  'B-B': 'PAdES-BASELINE-B',
  'B-T': 'PAdES-BASELINE-T',
  'B-LT': 'PAdES-BASELINE-LT',
  'B-LTA': 'PAdES-BASELINE-LTA',
};

/** The API view of a row (no bytes). */
export function pdfView(row: PdfRow): PreparedPdf {
  return {
    id: row.id,
    status: row.status,
    document: { id: row.id, digest: row.digest, ...(row.title ? { summary: { title: row.title } } : {}) },
    nric: row.nric,
    system: row.system,
    fieldName: row.fieldName,
    byteRange: row.byteRange,
    size: row.prepared.byteLength,
    createdAt: new Date(row.createdAt).toISOString(),
    expiresAt: new Date(row.expiresAt).toISOString(),
    signedAt: row.signedAt === null ? null : new Date(row.signedAt).toISOString(),
    level: row.level ? (LEVELS[row.level] ?? null) : null,
    previous: row.previousId,
  };
}
