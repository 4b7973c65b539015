import type { ScreenRule } from '../../../shared/siteRules.js';

/**
 * Odd legacy screens RoamSign has never seen (issue 8), each with the rule that describes it. The
 * widget gets the rule through its data-* attributes, the extension through its settings or
 * policy (as system "speks": today the server still needs a registered system id).
 */

/** The host name the tests map to 127.0.0.1 (Chromium --host-resolver-rules): plain http, not localhost. */
export const LEGACY_HOST = 'legacy.intranet.test';
/** Another host of the same test server: a module of another origin, framed into the legacy page. */
export const MODULE_HOST = 'modul.intranet.test';
export const OFFICER = '900101-01-1234';

const baucer = {
  officer: '#pengguna',
  fields: { noBaucer: '[name=noBaucer]', penerima: '[name=penerima]', amaun: '[name=amaun]' },
  labels: { noBaucer: 'No. Baucer', penerima: 'Penerima', amaun: 'Amaun (RM)' },
  idField: 'noBaucer',
  amountField: 'amaun',
  payeeField: 'penerima',
  title: 'Baucer Bayaran',
} satisfies Omit<ScreenRule, 'matches' | 'buttons'>;

/** Each screen's rule; `matches` is filled with the legacy server's origin. */
export const SCREEN_RULES: Record<string, Omit<ScreenRule, 'matches'>> = {
  rows: { ...baucer, buttons: '.lulus' },
  bigform: { ...baucer, buttons: '.lulus' },
  frames: { ...baucer, buttons: '#btnLulus' },
  late: { ...baucer, buttons: '#btnSahLewat' },
  enter: { ...baucer, buttons: '#btnHantar' },
  xhr: { ...baucer, buttons: '.lulus', fields: { noBaucer: '.noBaucer', penerima: '.penerima', amaun: '.amaun' } },
  confirm: { ...baucer, buttons: '#btnLulus' },
};

export const ROWS = [
  { noBaucer: 'BV-2026-000101', penerima: 'Syarikat Satu Sdn Bhd', amaun: '1,100.00' },
  { noBaucer: 'BV-2026-000102', penerima: 'Perniagaan Dua Enterprise', amaun: '2,200.50' },
  { noBaucer: 'BV-2026-000103', penerima: 'Koperasi Tiga Berhad', amaun: '3,300.00' },
];

/** A page's one document (every single-document screen shows this one). */
export const ONE = { noBaucer: 'BV-2026-000777', penerima: 'Pembekal Tunggal Sdn Bhd', amaun: '7,777.70' };

/** The purchase orders of the grid screens (issue 18): text-only rows, as a GridView renders them. */
export const ORDERS = [
  { noPesanan: 'PT-2026-00411', pembekal: 'Syarikat Satu Sdn Bhd', amaun: '4,560.00', tarikh: '02/03/2026' },
  { noPesanan: 'PT-2026-00412', pembekal: 'Perniagaan Dua Enterprise', amaun: '18,900.00', tarikh: '03/03/2026' },
  { noPesanan: 'PT-2026-00413', pembekal: 'Koperasi Tiga Berhad', amaun: '7,250.50', tarikh: '04/03/2026' },
  { noPesanan: 'PT-2026-00414', pembekal: 'Usaha Empat Trading', amaun: '990.00', tarikh: '05/03/2026' },
];

/** A second page of the batch table, hidden until shown (client-side paging). */
export const MORE_ORDERS = [
  { noPesanan: 'PT-2026-00415', pembekal: 'Kedai Lima', amaun: '150.00', tarikh: '06/03/2026' },
  { noPesanan: 'PT-2026-00416', pembekal: 'Enam Bina Sdn Bhd', amaun: '23,000.00', tarikh: '07/03/2026' },
];

const pesanan = {
  labels: { noPesanan: 'No. Pesanan', pembekal: 'Pembekal', amaun: 'Amaun (RM)', tarikh: 'Tarikh' },
  idField: 'noPesanan',
  amountField: 'amaun',
  payeeField: 'pembekal',
  title: 'Pesanan Tempatan',
} satisfies Partial<ScreenRule>;

/** The fields of a row shown as text in cells with these classes (JSF, Struts, batch, popup screens). */
const byClass = { noPesanan: '.noPesanan', pembekal: '.pembekal', amaun: '.amaun', tarikh: '.tarikh' };

/** WebForms' GridView control ids: the data rows are ctl02, ctl03, … (the header is ctl01). */
export const gridRowId = (i: number) => `ctl${String(i + 2).padStart(2, '0')}`;

/** Issue 18's screens: each names its rule; the data is ORDERS (and MORE_ORDERS for the batch). */
export const ROW_SCREEN_RULES: Record<string, Omit<ScreenRule, 'matches'>> = {
  // ASP.NET WebForms: one form around the page, text in <span>s, a LinkButton per row.
  webforms: {
    ...pesanan,
    buttons: 'a[id$=_lnkLulus], a.lulusBaris',
    officer: '#ctl00_lblPengguna',
    container: 'tr',
    fields: { noPesanan: '[id$=_lblNoPesanan]', pembekal: '[id$=_lblPembekal]', amaun: '[id$=_lblAmaun]', tarikh: '[id$=_lblTarikh]' },
  },
  // JSF (Mojarra): an h:dataTable in one h:form, an h:commandLink per row.
  jsf: { ...pesanan, buttons: 'a[id$=":lulus"]', officer: '#pengguna', container: 'tr', fields: byClass },
  // Struts 1: DispatchAction's "method" field (which shadows form.method), set by script, then submit() and reset.
  struts: { ...pesanan, buttons: 'input.btnLulus', officer: '#pengguna', container: 'tr', fields: byClass },
  // Oracle-Forms-like: a multi-record block of positioned items; the toolbar's Lulus acts on the current record.
  oracle: { ...pesanan, buttons: '#TB_LULUS', officer: '#ORA_USER', container: '.rekod.semasa', fields: { noPesanan: '.i-no', pembekal: '.i-pembekal', amaun: '.i-amaun', tarikh: '.i-tarikh' } },
  // Kelulusan pukal: tick boxes and one button.
  pukal: { ...pesanan, buttons: '#btnLulusPukal', officer: '#pengguna', fields: byClass, batch: { rows: 'tr.dok', selected: 'input[name=pilih]:checked' } },
  // A confirmation popup (window.open) showing the document; the officer is on the opener.
  popup: { ...pesanan, buttons: '#btnSahkan', officer: '#pengguna', container: '#dokumen', fields: { noPesanan: '[name=noPesanan]', pembekal: '[name=pembekal]', amaun: '[name=amaun]', tarikh: '[name=tarikh]' } },
  // A module from another origin in an iframe: one form per row, the officer inside the module.
  modul: { ...pesanan, buttons: 'button.lulus', officer: '#penggunaModul', container: 'tr', fields: byClass },
};
// The page that frames the module carries the agency's tag too (so RoamSign there dims it while the dialog is open).
ROW_SCREEN_RULES.luar = ROW_SCREEN_RULES.modul!;
