import { html } from 'hono/html';
import { carryQuery, legacyPage, type Markup, type ScreenContext } from './layout.js';

/** A purchase order (pesanan kerajaan) or contract waiting for approval in ePerolehan. */
export interface EperolehanOrder {
  orderNo: string;
  title: string;
  supplier: string;
  supplierReg: string;
  total: string;
  date: string;
  method: string;
}

export const EPEROLEHAN_ORDERS: readonly EperolehanOrder[] = [
  {
    orderNo: 'PO-2026-004512',
    title: 'Pembekalan 30 unit komputer meja berserta perisian pejabat',
    supplier: 'Syarikat XYZ Teknologi Sdn Bhd',
    supplierReg: '357-02123456',
    total: '48,900.00',
    date: '05/02/2026',
    method: 'Sebut Harga',
  },
  {
    orderNo: 'PO-2026-004513',
    title: 'Perabot bilik mesyuarat utama',
    supplier: 'Sinar Perabot Enterprise',
    supplierReg: '357-02998877',
    total: '7,250.00',
    date: '09/02/2026',
    method: 'Pembelian Terus',
  },
  {
    orderNo: 'PO-2026-004520',
    title: 'Kontrak perkhidmatan penyelenggaraan penghawa dingin 24 bulan',
    supplier: 'Dingin Jaya Engineering Sdn Bhd',
    supplierReg: '357-02445566',
    total: '186,400.00',
    date: '16/02/2026',
    method: 'Tender Terbuka',
  },
];

export const DEFAULT_ORDER_NO = EPEROLEHAN_ORDERS[0]!.orderNo;

export function findEperolehanOrder(orderNo: string): EperolehanOrder | undefined {
  return EPEROLEHAN_ORDERS.find((o) => o.orderNo === orderNo);
}

/**
 * The action of a posted approval form: Perakui and Sahkan are submit buttons (their name is
 * posted), Lulus is a plain button whose hantarLulus() sets hdnTindakan and calls form.submit().
 */
export function eperolehanAction(fields: Record<string, string | string[]>): 'perakui' | 'sahkan' | 'lulus' | undefined {
  const hidden = fields.hdnTindakan;
  if (typeof hidden === 'string' && hidden !== '') return hidden === 'LULUS' ? 'lulus' : undefined;
  if (fields.btnPerakui !== undefined) return 'perakui';
  if (fields.btnSahkan !== undefined) return 'sahkan';
  return undefined;
}

const STYLE = `
table.tugasan th { background: #2e6b30; color: #ffffff; text-align: left; }
td.jumlah { text-align: right; font-weight: bold; }
`;

// The page's own script, as ePerolehan has it: Lulus posts through JavaScript, not a submit button.
const SCRIPT = `
function hantarLulus() {
  var f = document.forms[0];
  f.hdnTindakan.value = 'LULUS';
  f.submit();
}
`;

/** GET /demo/eperolehan: the approval screen of one purchase order, with Perakui, Sahkan and Lulus. */
export function eperolehanPage(ctx: ScreenContext, order: EperolehanOrder): Markup {
  return legacyPage({
    system: 'eperolehan',
    ctx,
    title: `Kelulusan Pesanan ${order.orderNo}`,
    menu: html`<a href="/demo/eperolehan${carryQuery(ctx)}">Senarai Tugasan</a> <a href="#" onclick="return false;">Pesanan Kerajaan</a> <a href="#" onclick="return false;">Kontrak</a> <a href="#" onclick="return false;">Profil</a>`,
    style: STYLE,
    script: SCRIPT,
    body: html`<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>
<td valign="top" width="240">
  <table class="tugasan" width="230" border="1" cellspacing="0" cellpadding="3" bordercolor="#999999" style="border-collapse: collapse">
    <tr><th>Senarai Tugasan</th></tr>
${EPEROLEHAN_ORDERS.map(
  (o) => html`    <tr><td>${o.orderNo === order.orderNo ? html`<b>${o.orderNo}</b>` : html`<a href="/demo/eperolehan${carryQuery(ctx, { noPesanan: o.orderNo })}">${o.orderNo}</a>`}<br><span class="nota">${o.supplier}</span></td></tr>
`,
)}  </table>
</td>
<td valign="top">
<div class="tajuk">Kelulusan Pesanan Kerajaan / Kontrak</div>
<form method="post" name="frmPesanan" id="frmPesanan" action="/demo/eperolehan${carryQuery(ctx)}">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4MTc2NTM0Nzs7Pkx4ZlJvYW1pbmdEZW1v">
<input type="hidden" name="noPesanan" id="hdnNoPesanan" value="${order.orderNo}">
<input type="hidden" name="hdnTindakan" id="hdnTindakan" value="">
<table border="1" cellspacing="0" cellpadding="4" bordercolor="#999999" style="border-collapse: collapse" width="100%">
  <tr><td class="label">No. Pesanan</td><td id="lblNoPesanan">${order.orderNo}</td></tr>
  <tr><td class="label">Tajuk</td><td id="lblTajuk">${order.title}</td></tr>
  <tr><td class="label">Pembekal</td><td id="lblPembekal">${order.supplier}</td></tr>
  <tr><td class="label">No. Pendaftaran MOF</td><td id="lblNoMof">${order.supplierReg}</td></tr>
  <tr><td class="label">Kaedah Perolehan</td><td id="lblKaedah">${order.method}</td></tr>
  <tr><td class="label">Tarikh</td><td id="lblTarikh">${order.date}</td></tr>
  <tr><td class="label">Jumlah (RM)</td><td id="lblJumlah" class="jumlah">${order.total}</td></tr>
  <tr><td class="label">Catatan</td><td><textarea name="txtCatatan" id="txtCatatan" rows="3" cols="60"></textarea></td></tr>
</table>
<br>
<input type="submit" name="btnPerakui" id="btnPerakui" value="Perakui" class="btn">
<input type="submit" name="btnSahkan" id="btnSahkan" value="Sahkan" class="btn">
<input type="button" name="btnLulus" id="btnLulus" value="Lulus" class="btn" onclick="hantarLulus()">
</form>
</td>
</tr></table>`,
  });
}
