import { and, eq, inArray } from 'drizzle-orm';
import type { CmsProfile } from '../cms/signDetached.js';
import type { Db } from '../db/database.js';

/**
 * Which CMS profile each document of a signing request gets: PAdES (no signing-time attribute,
 * ETSI EN 319 142-1) for a PDF revision RoamSign prepared with that very digest, CAdES otherwise.
 * Only ids of the PDF form are looked up, so other requests cost no query.
 */
export async function padesProfiles(db: Db, documents: { id: string; digest: string }[]): Promise<CmsProfile[]> {
  const ids = documents.filter((d) => d.id.startsWith('pdf_')).map((d) => d.id);
  if (ids.length === 0) return documents.map(() => 'cades');
  const rows = await db.orm
    .select({ id: db.t.pdfDocuments.id, digest: db.t.pdfDocuments.digest })
    .from(db.t.pdfDocuments)
    .where(and(inArray(db.t.pdfDocuments.id, ids), eq(db.t.pdfDocuments.status, 'prepared')));
  const prepared = new Map(rows.map((r) => [r.id, r.digest]));
  return documents.map((d) => (prepared.get(d.id) === d.digest ? 'pades' : 'cades'));
}
