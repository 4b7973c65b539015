import crypto from 'node:crypto';
import { PDF, PdfArray, PdfDict, PdfName, PdfNumber, PdfStream, rgb, StandardFonts } from '@libpdf/core';

/** The vouchers the tests sign: Baucar Bayaran (payment voucher) and Pesanan Tempatan (local order). */
export type VoucherKind = 'baucar-bayaran' | 'pesanan-tempatan';

const TITLES: Record<VoucherKind, string> = {
  'baucar-bayaran': 'BAUCAR BAYARAN',
  'pesanan-tempatan': 'PESANAN TEMPATAN',
};

/** The approvers of a voucher, in order, each with a named signature field on the last page. */
export const APPROVER_FIELDS = ['Peraku_I', 'Peraku_II', 'Sah'] as const;

/**
 * A voucher PDF made with the PDF library the server uses: a header, a table of line items over
 * `pages` pages, a total, and (with `signatureFields`) three empty signature fields named for the
 * approvers (Peraku I, Peraku II, Sah) in boxes at the foot of the last page. `padToBytes` adds a
 * filler stream of random bytes so the file reaches about that size (the 50 MB bench case).
 */
export async function makeVoucherPdf(options: { kind: VoucherKind; number: string; pages?: number; signatureFields?: boolean; padToBytes?: number }): Promise<Uint8Array> {
  const pdf = PDF.create();
  const pageCount = options.pages ?? 1;
  const itemsPerPage = 25;
  let total = 0;
  for (let p = 0; p < pageCount; p++) {
    const page = pdf.addPage({ size: 'a4' });
    page.drawText(`KERAJAAN MALAYSIA - ${TITLES[options.kind]}`, { x: 50, y: 790, size: 14, font: StandardFonts.HelveticaBold });
    page.drawText(`No.: ${options.number}    Muka surat ${p + 1} / ${pageCount}`, { x: 50, y: 770, size: 10 });
    page.drawText('Penerima / Payee: Syarikat ABC Sdn Bhd', { x: 50, y: 755, size: 10 });
    for (let i = 0; i < itemsPerPage; i++) {
      const line = p * itemsPerPage + i + 1;
      const amount = 100 + ((line * 37) % 900);
      total += amount;
      const y = 720 - i * 18;
      page.drawRectangle({ x: 48, y: y - 4, width: 500, height: 16, borderColor: rgb(0.8, 0.8, 0.8), borderWidth: 0.5 });
      page.drawText(`${line}. Bekalan alat tulis pejabat, item ${line}`, { x: 52, y, size: 9 });
      page.drawText(`RM ${amount.toFixed(2)}`, { x: 470, y, size: 9 });
    }
  }
  const last = pdf.getPages()[pageCount - 1]!;
  last.drawText(`JUMLAH / TOTAL: RM ${total.toFixed(2)}`, { x: 50, y: 250, size: 11, font: StandardFonts.HelveticaBold });
  if (options.signatureFields) {
    const form = pdf.getOrCreateForm();
    // A text field a later approver may fill in (form filling after a signature is allowed).
    last.drawText('Catatan / Remarks', { x: 50, y: 232, size: 9 });
    last.drawField(form.createTextField('Catatan'), { x: 150, y: 226, width: 300, height: 16 });
    APPROVER_FIELDS.forEach((name, i) => {
      const x = 40 + i * 180;
      last.drawText(name.replace('_', ' '), { x, y: 215, size: 9, font: StandardFonts.HelveticaBold });
      // An empty signature field with one widget kid (ISO 32000-1 §12.7.3.1), as form designers make them.
      const field = form.createSignatureField(name);
      const widget = pdf.register(
        PdfDict.of({
          Type: PdfName.of('Annot'),
          Subtype: PdfName.of('Widget'),
          Rect: new PdfArray([x, 120, x + 170, 210].map((n) => PdfNumber.of(n))),
          F: PdfNumber.of(4),
          P: last.ref,
          Parent: field.getRef()!,
        }),
      );
      field.getDict().set('Kids', new PdfArray([widget]));
      const annots = last.dict.getArray('Annots');
      if (annots) annots.push(widget);
      else last.dict.set('Annots', new PdfArray([widget]));
    });
  }
  if (options.padToBytes) {
    // Incompressible bytes in a stream the catalog points at (as a large scan would weigh).
    const filler = new PdfStream(undefined, crypto.randomBytes(Math.max(0, options.padToBytes - 60_000 * pageCount)));
    pdf.getCatalog().set('RoamSignTestFiller', pdf.register(filler));
  }
  return pdf.save();
}
