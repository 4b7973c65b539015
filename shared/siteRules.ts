import type { SystemId } from './systems.js';

/**
 * How RoamSign finds, on a legacy screen, the approve buttons, the officer and the document.
 * One format for the widget's loader and the extension's content script.
 */
export interface SiteRule {
  /** URL match patterns of the system's screens (used by the extension). */
  matches: string[];
  /** CSS selector of the approve buttons (Sah / Peraku / Lulus …). */
  buttons: string;
  /** CSS selector of the element whose text or value holds the officer's MyKad number. */
  officer: string;
  /** Document fields: the canonical field name -> CSS selector (input value or element text). */
  fields: Record<string, string>;
  /** Which field is the document number, the amount and the payee. */
  idField: string;
  amountField?: string;
  payeeField?: string;
  /** What the dialog calls the document. */
  title?: string;
}

export const DEFAULT_SITE_RULES: Record<SystemId, SiteRule> = {
  igfmas: {
    matches: ['https://igfmas.anm.gov.my/*', '*://*/demo/igfmas*'],
    buttons: '#btnPeraku1, #btnPeraku2, #btnSah',
    officer: '#idPengguna',
    fields: {
      noDokumen: '#noDokumen',
      tarikhDokumen: '#tarikhDokumen',
      vendor: '#vendor',
      amaun: '#amaun',
      pusatKos: '#pusatKos',
      keterangan: '#keterangan',
    },
    idField: 'noDokumen',
    amountField: 'amaun',
    payeeField: 'vendor',
    title: 'Dokumen STH',
  },
  eperolehan: {
    matches: ['https://www.eperolehan.gov.my/*', '*://*/demo/eperolehan*'],
    buttons: '#btnPerakui, #btnSahkan, #btnLulus',
    officer: '#idPengguna',
    fields: {
      noPesanan: '#lblNoPesanan',
      tarikh: '#lblTarikh',
      tajuk: '#lblTajuk',
      pembekal: '#lblPembekal',
      jumlah: '#lblJumlah',
    },
    idField: 'noPesanan',
    amountField: 'jumlah',
    payeeField: 'pembekal',
    title: 'Pesanan Kerajaan',
  },
  speks: {
    matches: ['https://speks.anm.gov.my/*', '*://*/demo/speks*'],
    buttons: '#btnSemak, #btnLulus',
    officer: '#idPengguna',
    fields: {
      noBaucer: '#noBaucer',
      jenisBaucer: '#jenisBaucer',
      tarikhBaucer: '#tarikhBaucer',
      penerima: '#penerima',
      amaun: '#amaun',
      keterangan: '#keterangan',
    },
    idField: 'noBaucer',
    amountField: 'amaun',
    payeeField: 'penerima',
    title: 'Baucer',
  },
};
