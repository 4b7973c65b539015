import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Lang } from '../../shared/i18n/index.js';
import type { PdfSignatureReport, PdfValidationReport } from '../../shared/schemas/pdf.js';
import { pdfIdSchema } from '../../shared/schemas/pdf.js';
import { formatMalaysiaTime } from '../../shared/time.js';
import { verifyStoredPdf } from '../pdfs/index.js';
import type { Services } from '../services.js';
import { langOf } from './caller.js';

// The human validation report of a signed PDF (issue 25 §3): the page the stamp's QR code opens.
// Bahasa Malaysia first, English one switch away (?lang=en); Malaysian time; prints on A4.

type Text = { ms: string; en: string };
const T = {
  title: { ms: 'Laporan Pengesahan Tandatangan PDF', en: 'PDF Signature Validation Report' },
  reference: { ms: 'Rujukan', en: 'Reference' },
  checkedAt: { ms: 'Disemak pada', en: 'Checked at' },
  allValid: { ms: 'Semua tandatangan sah.', en: 'Every signature is valid.' },
  notAllValid: { ms: 'Bukan semua tandatangan sah: lihat butiran di bawah.', en: 'Not every signature is valid: see the details below.' },
  signature: { ms: 'Tandatangan', en: 'Signature' },
  timestamp: { ms: 'Cap masa dokumen', en: 'Document time-stamp' },
  field: { ms: 'Medan', en: 'Field' },
  signer: { ms: 'Penandatangan', en: 'Signer' },
  indication: { ms: 'Keputusan', en: 'Indication' },
  subIndication: { ms: 'Sebab', en: 'Sub-indication' },
  claimedTime: { ms: 'Masa dinyatakan (/M)', en: 'Claimed time (/M)' },
  provenTime: { ms: 'Masa terbukti', en: 'Proven time' },
  level: { ms: 'Tahap', en: 'Level' },
  changes: { ms: 'Perubahan selepasnya', en: 'Changes after it' },
  certificate: { ms: 'Sijil', en: 'Certificate' },
  none: { ms: 'Tiada', en: 'None' },
  notFound: { ms: 'Tiada PDF bertandatangan dengan rujukan ini.', en: 'No signed PDF has this reference.' },
  switchLang: { ms: 'English', en: 'Bahasa Malaysia' },
} satisfies Record<string, Text>;

const INDICATIONS: Record<PdfSignatureReport['indication'], Text> = {
  TOTAL_PASSED: { ms: 'Sah', en: 'Valid' },
  TOTAL_FAILED: { ms: 'Gagal', en: 'Failed' },
  INDETERMINATE: { ms: 'Tidak dapat dipastikan', en: 'Indeterminate' },
};
const CHANGES: Record<PdfSignatureReport['changesAfter'], Text> = {
  none: { ms: 'Tiada: tandatangan ini meliputi seluruh dokumen', en: 'None: this signature covers the whole document' },
  signatures: { ms: 'Hanya tandatangan, cap masa atau data pengesahan kemudian (dibenarkan)', en: 'Only later signatures, time-stamps or validation data (allowed)' },
  'form-filling': { ms: 'Pengisian medan borang (dibenarkan)', en: 'Form fields filled in (allowed)' },
  other: { ms: 'Perubahan lain pada dokumen (tidak dibenarkan)', en: 'Other changes to the document (not allowed)' },
};

function page(lang: Lang, id: string, body: ReturnType<typeof html>) {
  const t = (text: Text) => text[lang];
  const other = lang === 'ms' ? 'en' : 'ms';
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t(T.title)} — ${id}</title>
<style>
  @page { size: A4; margin: 15mm; }
  body { font: 11pt/1.4 system-ui, sans-serif; color: #111; max-width: 180mm; margin: 1rem auto; padding: 0 1rem; }
  h1 { font-size: 16pt; margin: 0 0 .25rem; }
  h2 { font-size: 12pt; margin: 1.2rem 0 .4rem; break-after: avoid; }
  section { break-inside: avoid; page-break-inside: avoid; }
  .meta, nav { color: #333; font-size: 10pt; }
  nav { display: flex; gap: 1rem; justify-content: flex-end; }
  table { width: 100%; border-collapse: collapse; margin-bottom: .5rem; page-break-inside: avoid; }
  th, td { text-align: left; vertical-align: top; border: 1px solid #999; padding: .3rem .5rem; }
  th { width: 32%; background: #f0f2f5; font-weight: 600; }
  .ok { color: #0a5d1e; font-weight: 700; } .bad { color: #9b0000; font-weight: 700; } .warn { color: #7a4a00; font-weight: 700; }
  .summary { padding: .5rem .75rem; border: 2px solid currentColor; margin: .75rem 0; }
  @media print { nav { display: none; } body { margin: 0; } }
</style>
</head>
<body>
<nav><a href="?lang=${other}" lang="${other}">${T.switchLang[lang]}</a></nav>
<main>
<h1>${t(T.title)}</h1>
<p class="meta">${t(T.reference)}: <code>${id}</code></p>
${body}
</main>
</body>
</html>`;
}

function signatureTable(lang: Lang, s: PdfSignatureReport, n: number) {
  const t = (text: Text) => text[lang];
  const time = (iso: string | null) => (iso ? `${formatMalaysiaTime(lang, Date.parse(iso), { seconds: true })} (${lang === 'en' ? 'Malaysia time' : 'waktu Malaysia'})` : t(T.none));
  const cls = s.indication === 'TOTAL_PASSED' ? 'ok' : s.indication === 'TOTAL_FAILED' ? 'bad' : 'warn';
  return html`<section><h2>${n}. ${s.kind === 'signature' ? t(T.signature) : t(T.timestamp)}</h2>
<table>
<tr><th scope="row">${t(T.indication)}</th><td class="${cls}">${t(INDICATIONS[s.indication])} (${s.indication})</td></tr>
<tr><th scope="row">${t(T.subIndication)}</th><td>${s.subIndication ?? t(T.none)}</td></tr>
<tr><th scope="row">${t(T.signer)}</th><td>${s.signer.name ?? '—'}${s.signer.nric ? ` (${s.signer.nric})` : ''}</td></tr>
<tr><th scope="row">${t(T.field)}</th><td>${s.field}</td></tr>
<tr><th scope="row">${t(T.claimedTime)}</th><td>${time(s.claimedTime)}</td></tr>
<tr><th scope="row">${t(T.provenTime)}</th><td>${time(s.provenTime)}</td></tr>
<tr><th scope="row">${t(T.level)}</th><td>${s.level ?? '—'}</td></tr>
<tr><th scope="row">${t(T.changes)}</th><td>${t(CHANGES[s.changesAfter])}${s.changesAfter === 'other' ? html`<ul>${s.changes.map((c) => html`<li>${c}</li>`)}</ul>` : ''}</td></tr>
<tr><th scope="row">${t(T.certificate)}</th><td>${s.certificateSerial ?? '—'}${s.certificateStatus ? ` (${s.certificateStatus})` : ''}</td></tr>
</table></section>`;
}

/** The report as a page: a summary line, then one table per signature, in signing order. */
export function reportPage(lang: Lang, id: string, report: PdfValidationReport) {
  const t = (text: Text) => text[lang];
  return page(
    lang,
    id,
    html`<p class="meta">${t(T.checkedAt)}: ${formatMalaysiaTime(lang, Date.parse(report.checkedAt), { seconds: true })}</p>
<p class="summary ${report.valid ? 'ok' : 'bad'}" role="status">${report.valid ? t(T.allValid) : t(T.notAllValid)}</p>
${report.signatures.map((s, i) => signatureTable(lang, s, i + 1))}`,
  );
}

export function pdfReportRoutes(services: Services) {
  return new Hono().get('/pdf/v/:id', async (c) => {
    const asked = c.req.query('lang');
    const lang: Lang = asked === 'en' || asked === 'ms' ? asked : langOf(c);
    const id = c.req.param('id');
    c.header('Cache-Control', 'no-store');
    if (!pdfIdSchema.safeParse(id).success) return c.html(page(lang, '—', html`<p>${T.notFound[lang]}</p>`), 404);
    try {
      return c.html(reportPage(lang, id, await verifyStoredPdf(services.pdfs, id)));
    } catch (error) {
      if ((error as { code?: string }).code === 'not_found') return c.html(page(lang, id, html`<p>${T.notFound[lang]}</p>`), 404);
      throw error;
    }
  });
}
