import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { PdfPlacement, PreparedPdf } from '../../shared/schemas/pdf.js';
import { formatMalaysiaTime } from '../../shared/time.js';
import { preparePdfSignature } from '../pdf/preparePdfSignature.js';
import { findOfficer, latestCertificate, roamingReady } from '../registry/officers.js';
import { checkCaller } from './checkCaller.js';
import { PREPARED_LIFETIME_MS, type PdfCaller, type PdfDeps } from './deps.js';
import { forgetExpired, pdfView } from './pdfRows.js';
import { inPdfSlot } from './pdfSlots.js';

/**
 * Prepares the revision an officer will sign (issue 25, "what you see is what you sign"): the
 * signature field and its visible stamp (the officer's name, agency, Malaysian time, the
 * reference and a QR code of the validation link) are added as an incremental update, and
 * RoamSign computes the SHA-256 of its byte range itself. The answer's `document` goes into a
 * signing request unchanged; the officer's PIN + OTP (or passkey) then signs exactly that digest.
 */
export async function preparePdf(
  deps: Pick<PdfDeps, 'db' | 'now' | 'publicUrl' | 'allowedOrigins'>,
  input: { pdf: Uint8Array; nric: string; system: string; title?: string; placement?: PdfPlacement; previousId?: string },
  caller: PdfCaller,
): Promise<PreparedPdf> {
  const { db, now } = deps;
  await checkCaller(deps, input.system, caller);
  const officer = await findOfficer(db, input.nric);
  if (!officer) throw new RoamSignError('user_not_found');
  const certificate = await latestCertificate(db, officer.nric);
  if (certificate?.revokedAt != null) throw new RoamSignError('certificate_revoked');
  if (!roamingReady(officer, certificate, now())) throw new RoamSignError('medium_not_roaming');
  const [agency] = await db.orm.select({ name: db.t.agencies.name }).from(db.t.agencies).where(eq(db.t.agencies.code, officer.agencyCode));

  const id = `pdf_${crypto.randomBytes(16).toString('base64url')}`;
  const at = now();
  const prepared = await inPdfSlot(() =>
    preparePdfSignature({
      pdf: input.pdf,
      kind: 'signature',
      signingTime: new Date(at),
      ...(input.placement ? { placement: input.placement } : {}),
      stamp: {
        heading: 'Tandatangan digital / Digital signature',
        name: officer.name,
        lines: [agency?.name ?? officer.agencyCode, `${formatMalaysiaTime('ms', at, { seconds: true })} (MYT)`, `Rujukan / Ref: ${id}`],
        link: `${deps.publicUrl}/pdf/v/${id}`,
      },
      name: officer.name,
      ...(input.title ? { reason: input.title } : {}),
    }),
  );
  if (!prepared.ok) throw new RoamSignError('bad_request', { reason: prepared.reason, message: prepared.message });

  await forgetExpired(db, at);
  const row = {
    id,
    system: input.system,
    nric: officer.nric,
    title: input.title ?? null,
    digest: prepared.prepared.digest.toString('base64'),
    fieldName: prepared.prepared.fieldName,
    byteRange: prepared.prepared.byteRange,
    capacity: prepared.prepared.capacity,
    prepared: Buffer.from(prepared.prepared.bytes),
    status: 'prepared' as const,
    signed: null,
    level: null,
    previousId: input.previousId ?? null,
    createdAt: at,
    expiresAt: at + PREPARED_LIFETIME_MS,
    signedAt: null,
  };
  await db.orm.insert(db.t.pdfDocuments).values(row);
  return pdfView(row);
}
