import { html } from 'hono/html';
import { carryQuery, legacyPage, type Markup, type ScreenContext } from './layout.js';

export type VoucherType = 'bayaran' | 'jurnal';

/** One line of a journal voucher. */
export interface JournalLine {
  account: string;
  description: string;
  debit: string;
  credit: string;
}

/** A SPEKS voucher: payment (baucer bayaran) or journal (baucer jurnal). */
export interface SpeksVoucher {
  voucherNo: string;
  type: VoucherType;
  date: string;
  /** The payee (bayaran) or the other party (jurnal). */
  payee: string;
  amount: string;
  description: string;
  lines: JournalLine[];
}

export const VOUCHER_TYPES: Record<VoucherType, string> = {
  bayaran: 'Baucer Bayaran',
  jurnal: 'Baucer Jurnal',
};

export const SPEKS_VOUCHERS: readonly SpeksVoucher[] = [
  {
    voucherNo: 'BB-2026-000789',
    type: 'bayaran',
    date: '03/03/2026',
    payee: 'Restoran Seri Perlis Enterprise',
    amount: '5,320.00',
    description: 'Bayaran bekalan makanan Program Latihan Kakitangan Negeri 2026',
    lines: [],
  },
  {
    voucherNo: 'BB-2026-000790',
    type: 'bayaran',
    date: '04/03/2026',
    payee: 'Syarikat Kenderaan Utara Sdn Bhd',
    amount: '2,150.00',
    description: 'Sewaan bas lawatan sambil belajar',
    lines: [],
  },
  {
    voucherNo: 'BJ-2026-000456',
    type: 'jurnal',
    date: '05/03/2026',
    payee: 'Pejabat Tanah dan Galian Negeri Perlis',
    amount: '18,000.00',
    description: 'Pelarasan hasil sewaan tanah yang tersalah kod akaun',
    lines: [
      { account: '71205', description: 'Hasil Premium Tanah', debit: '18,000.00', credit: '' },
      { account: '71101', description: 'Hasil Sewaan Tanah', debit: '', credit: '18,000.00' },
    ],
  },
  {
    voucherNo: 'BJ-2026-000457',
    type: 'jurnal',
    date: '06/03/2026',
    payee: 'Jabatan Kerja Raya Negeri Perlis',
    amount: '4,760.40',
    description: 'Pindahan kos penyelenggaraan bangunan antara pusat tanggungjawab',
    lines: [
      { account: 'B0128', description: 'Penyelenggaraan Bangunan (PTJ 1009)', debit: '4,760.40', credit: '' },
      { account: 'B0128', description: 'Penyelenggaraan Bangunan (PTJ 1012)', debit: '', credit: '4,760.40' },
    ],
  },
];

/** The `tindakan` values (button texts, lower-cased) the voucher form posts. */
export const SPEKS_ACTIONS = ['semak', 'lulus'] as const;

export function isVoucherType(value: string): value is VoucherType {
  return value === 'bayaran' || value === 'jurnal';
}

export function findSpeksVoucher(voucherNo: string): SpeksVoucher | undefined {
  return SPEKS_VOUCHERS.find((v) => v.voucherNo === voucherNo);
}

export function vouchersOfType(type: VoucherType): SpeksVoucher[] {
  return SPEKS_VOUCHERS.filter((v) => v.type === type);
}

export function speksVoucherPath(voucherNo: string): string {
  return `/demo/speks/baucer/${encodeURIComponent(voucherNo)}`;
}

const OUTER_STYLE = `
td.kiri { background: #f1e0d6; border-right: 2px solid #7a1f1f; }
td.kiri a { display: block; padding: 2px 0; color: #7a1f1f; }
td.kiri b { display: block; padding: 6px 0 2px 0; }
`;

/**
 * GET /demo/speks?jenis=bayaran|jurnal: the frameset-era shell. The menu on the left, and the
 * voucher (with its Semak / Lulus form) in the iframe named "kandungan" on the right.
 */
export function speksShellPage(ctx: ScreenContext, type: VoucherType, voucher: SpeksVoucher): Markup {
  return legacyPage({
    system: 'speks',
    ctx,
    title: VOUCHER_TYPES[type],
    menu: html`<a href="/demo/speks${carryQuery(ctx, { jenis: 'bayaran' })}">Baucer Bayaran</a> <a href="/demo/speks${carryQuery(ctx, { jenis: 'jurnal' })}">Baucer Jurnal</a> <a href="#" onclick="return false;">Pertanyaan</a> <a href="#" onclick="return false;">Laporan</a>`,
    style: OUTER_STYLE,
    body: html`<table width="100%" border="0" cellspacing="0" cellpadding="6"><tr>
<td class="kiri" valign="top" width="190">
  <b>Menu</b>
  <a href="/demo/speks${carryQuery(ctx, { jenis: 'bayaran' })}" id="menuBayaran">Baucer Bayaran</a>
  <a href="/demo/speks${carryQuery(ctx, { jenis: 'jurnal' })}" id="menuJurnal">Baucer Jurnal</a>
  <b>${VOUCHER_TYPES[type]} untuk tindakan</b>
${vouchersOfType(type).map((v) => html`  <a href="${speksVoucherPath(v.voucherNo)}${carryQuery(ctx)}" target="kandungan">${v.voucherNo}</a>
`)}</td>
<td valign="top">
<iframe name="kandungan" id="kandungan" src="${speksVoucherPath(voucher.voucherNo)}${carryQuery(ctx)}" width="100%" height="560" frameborder="0" scrolling="auto" title="${VOUCHER_TYPES[type]}"></iframe>
</td>
</tr></table>`,
  });
}

// The page's own check before posting, as SPEKS has it (returns true unless the remark is too long).
const VOUCHER_SCRIPT = `
function semakBorang(f) {
  if (f.catatan.value.length > 500) {
    alert('Catatan tidak boleh melebihi 500 aksara.');
    return false;
  }
  return true;
}
`;

const VOUCHER_STYLE = `
table.jurnal th { background: #7a1f1f; color: #ffffff; }
input.amaun { text-align: right; }
`;

/** GET /demo/speks/baucer/:noBaucer: the page inside the iframe, with the Semak / Lulus form. */
export function speksVoucherPage(ctx: ScreenContext, voucher: SpeksVoucher): Markup {
  const payeeLabel = voucher.type === 'bayaran' ? 'Penerima' : 'Pihak Berkaitan';
  return legacyPage({
    system: 'speks',
    ctx,
    framed: true,
    title: `${VOUCHER_TYPES[voucher.type]} ${voucher.voucherNo}`,
    style: VOUCHER_STYLE,
    script: VOUCHER_SCRIPT,
    body: html`<div class="tajuk">${VOUCHER_TYPES[voucher.type]}</div>
<form method="post" name="frmBaucer" id="frmBaucer" action="${speksVoucherPath(voucher.voucherNo)}${carryQuery(ctx)}" onsubmit="return semakBorang(this)">
<input type="hidden" name="jenisBaucer" id="jenisBaucer" value="${voucher.type}">
<table border="1" cellspacing="0" cellpadding="4" bordercolor="#999999" style="border-collapse: collapse">
  <tr><td class="label">No. Baucer</td><td><input type="text" name="noBaucer" id="noBaucer" value="${voucher.voucherNo}" size="20" readonly class="ro"></td></tr>
  <tr><td class="label">Tarikh Baucer</td><td><input type="text" name="tarikhBaucer" id="tarikhBaucer" value="${voucher.date}" size="12" readonly class="ro"></td></tr>
  <tr><td class="label">${payeeLabel}</td><td><input type="text" name="penerima" id="penerima" value="${voucher.payee}" size="50" readonly class="ro"></td></tr>
  <tr><td class="label">Amaun (RM)</td><td><input type="text" name="amaun" id="amaun" value="${voucher.amount}" size="18" readonly class="ro amaun"></td></tr>
  <tr><td class="label">Keterangan</td><td><textarea name="keterangan" id="keterangan" rows="3" cols="60" readonly class="ro">${voucher.description}</textarea></td></tr>
${voucher.lines.length === 0
    ? ''
    : html`  <tr><td class="label" valign="top">Butiran Jurnal</td><td>
    <table id="tblJurnal" class="jurnal" border="1" cellspacing="0" cellpadding="3" bordercolor="#999999" style="border-collapse: collapse">
      <tr><th>Kod Akaun</th><th>Keterangan</th><th>Debit (RM)</th><th>Kredit (RM)</th></tr>
${voucher.lines.map((l) => html`      <tr><td>${l.account}</td><td>${l.description}</td><td align="right">${l.debit}</td><td align="right">${l.credit}</td></tr>
`)}    </table>
  </td></tr>
`}  <tr><td class="label">Catatan Penyemak / Pelulus</td><td><textarea name="catatan" id="catatan" rows="2" cols="60"></textarea></td></tr>
</table>
<br>
<input type="submit" name="tindakan" id="btnSemak" value="Semak" class="btn">
<input type="submit" name="tindakan" id="btnLulus" value="Lulus" class="btn">
</form>`,
  });
}
