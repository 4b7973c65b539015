import { html } from 'hono/html';
import { carryQuery, legacyPage, type Markup, type ScreenContext } from './layout.js';

/** An iGFMAS financial document as its STH screen shows it. */
export interface IgfmasDocument {
  docNo: string;
  type: string;
  date: string;
  vendorCode: string;
  vendor: string;
  amount: string;
  costCentre: string;
  description: string;
  status: string;
}

export const IGFMAS_DOCUMENTS: readonly IgfmasDocument[] = [
  {
    docNo: 'STH-2026-000123',
    type: 'Baucar Bayaran (PV)',
    date: '12/01/2026',
    vendorCode: 'V0100234',
    vendor: 'Syarikat ABC Sdn Bhd',
    amount: '12,500.00',
    costCentre: '1009110000 - Unit Pentadbiran',
    description: 'Bekalan alat tulis dan kertas A4 bagi suku tahun pertama 2026',
    status: 'Menunggu Peraku I',
  },
  {
    docNo: 'STH-2026-000124',
    type: 'Pesanan Tempatan (LO)',
    date: '14/01/2026',
    vendorCode: 'V0100871',
    vendor: 'Percetakan Nasional Malaysia Berhad',
    amount: '3,480.50',
    costCentre: '1009120000 - Unit Kewangan',
    description: 'Cetakan borang dan buku resit rasmi',
    status: 'Menunggu Peraku II',
  },
  {
    docNo: 'STH-2026-000125',
    type: 'Baucar Bayaran (PV)',
    date: '20/01/2026',
    vendorCode: 'V0000017',
    vendor: 'Tenaga Nasional Berhad',
    amount: '8,912.35',
    costCentre: '1009110000 - Unit Pentadbiran',
    description: 'Bil elektrik bangunan pejabat bagi bulan Disember 2025',
    status: 'Menunggu Sah',
  },
  {
    docNo: 'STH-2026-000126',
    type: 'Baucar Bayaran (PV)',
    date: '28/01/2026',
    vendorCode: 'V0102450',
    vendor: 'Indah Jaya Cleaning Services Sdn Bhd',
    amount: '146,000.00',
    costCentre: '1009130000 - Unit Pengurusan Fasiliti',
    description: 'Kontrak perkhidmatan pembersihan bangunan, bayaran kemajuan ke-3',
    status: 'Menunggu Peraku I',
  },
];

/** The `tindakan` values the STH buttons post. */
export const IGFMAS_ACTIONS = ['peraku1', 'peraku2', 'sah'] as const;

export function findIgfmasDocument(docNo: string): IgfmasDocument | undefined {
  return IGFMAS_DOCUMENTS.find((d) => d.docNo === docNo);
}

export function igfmasDocumentPath(docNo: string): string {
  return `/demo/igfmas/document/${encodeURIComponent(docNo)}`;
}

const STYLE = `
table.senarai th { background: #1f3f6e; color: #ffffff; text-align: left; }
table.senarai tr.genap td { background: #eef2f8; }
input.amaun { text-align: right; }
`;

function menu(ctx: ScreenContext): Markup {
  return html`<a href="/demo/igfmas${carryQuery(ctx)}">Senarai STH</a> <a href="#" onclick="return false;">Carian Dokumen</a> <a href="#" onclick="return false;">Laporan</a>`;
}

/** GET /demo/igfmas: the officer's STH worklist. */
export function igfmasListPage(ctx: ScreenContext): Markup {
  return legacyPage({
    system: 'igfmas',
    ctx,
    title: 'Senarai Dokumen STH',
    menu: menu(ctx),
    style: STYLE,
    body: html`<div class="tajuk">Senarai Dokumen STH Untuk Tindakan</div>
<table id="tblSenaraiSTH" class="senarai" width="100%" border="1" cellspacing="0" cellpadding="4" bordercolor="#999999" style="border-collapse: collapse">
  <tr><th>Bil.</th><th>No. Dokumen</th><th>Jenis</th><th>Tarikh</th><th>Vendor</th><th align="right">Amaun (RM)</th><th>Status</th></tr>
${IGFMAS_DOCUMENTS.map(
  (d, i) => html`  <tr${i % 2 === 1 ? html` class="genap"` : ''}><td>${i + 1}</td><td><a href="${igfmasDocumentPath(d.docNo)}${carryQuery(ctx)}" class="pautanDokumen">${d.docNo}</a></td><td>${d.type}</td><td>${d.date}</td><td>${d.vendor}</td><td align="right">${d.amount}</td><td>${d.status}</td></tr>
`,
)}</table>
<p class="nota">Klik pada No. Dokumen untuk membuat tindakan Peraku I, Peraku II atau Sah.</p>`,
  });
}

/** GET /demo/igfmas/document/:docNo: the STH document screen with Peraku I, Peraku II and Sah. */
export function igfmasDocumentPage(ctx: ScreenContext, doc: IgfmasDocument): Markup {
  return legacyPage({
    system: 'igfmas',
    ctx,
    title: `Dokumen ${doc.docNo}`,
    menu: menu(ctx),
    style: STYLE,
    body: html`<div class="tajuk">Skrin Dokumen STH</div>
<form method="post" name="frmSTH" id="frmSTH" action="${igfmasDocumentPath(doc.docNo)}${carryQuery(ctx)}">
<input type="hidden" name="tahunKewangan" value="2026">
<table border="1" cellspacing="0" cellpadding="4" bordercolor="#999999" style="border-collapse: collapse">
  <tr><td class="label">No. Dokumen</td><td><input type="text" name="noDokumen" id="noDokumen" value="${doc.docNo}" size="24" readonly class="ro"></td></tr>
  <tr><td class="label">Jenis Dokumen</td><td><input type="text" name="jenisDokumen" id="jenisDokumen" value="${doc.type}" size="30" readonly class="ro"></td></tr>
  <tr><td class="label">Tarikh Dokumen</td><td><input type="text" name="tarikhDokumen" id="tarikhDokumen" value="${doc.date}" size="12" readonly class="ro"></td></tr>
  <tr><td class="label">Kod Vendor</td><td><input type="text" name="kodVendor" id="kodVendor" value="${doc.vendorCode}" size="12" readonly class="ro"></td></tr>
  <tr><td class="label">Vendor</td><td><input type="text" name="vendor" id="vendor" value="${doc.vendor}" size="50" readonly class="ro"></td></tr>
  <tr><td class="label">Amaun (RM)</td><td><input type="text" name="amaun" id="amaun" value="${doc.amount}" size="18" readonly class="ro amaun"></td></tr>
  <tr><td class="label">Pusat Kos</td><td><input type="text" name="pusatKos" id="pusatKos" value="${doc.costCentre}" size="50" readonly class="ro"></td></tr>
  <tr><td class="label">Keterangan</td><td><textarea name="keterangan" id="keterangan" rows="3" cols="60" readonly class="ro">${doc.description}</textarea></td></tr>
  <tr><td class="label">Status</td><td id="statusDokumen">${doc.status}</td></tr>
</table>
<br>
<table border="0" cellspacing="0" cellpadding="2"><tr>
  <td><button type="submit" name="tindakan" value="peraku1" id="btnPeraku1" class="btn">Peraku I</button></td>
  <td><button type="submit" name="tindakan" value="peraku2" id="btnPeraku2" class="btn">Peraku II</button></td>
  <td><button type="submit" name="tindakan" value="sah" id="btnSah" class="btn">Sah</button></td>
  <td>&nbsp;&nbsp;<a href="/demo/igfmas${carryQuery(ctx)}">Kembali ke Senarai</a></td>
</tr></table>
</form>`,
  });
}
