import type { SystemDefinition } from './siteRules.js';

// The three systems RoamSign ships with, as data: the same shape an administrator or a managed
// policy uses for any other system. The `*://*/demo/...` patterns are this project's demo screens.

export const BUILT_IN_SYSTEMS: SystemDefinition[] = [
  {
    id: 'igfmas',
    names: { ms: 'iGFMAS', en: 'iGFMAS' },
    allowedOrigins: ['https://igfmas.anm.gov.my'],
    screens: [
      {
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
        labels: { noDokumen: 'No. Dokumen', tarikhDokumen: 'Tarikh Dokumen', vendor: 'Vendor', amaun: 'Amaun (RM)', pusatKos: 'Pusat Kos', keterangan: 'Keterangan' },
        idField: 'noDokumen',
        amountField: 'amaun',
        payeeField: 'vendor',
        title: 'Dokumen STH',
      },
    ],
  },
  {
    id: 'eperolehan',
    names: { ms: 'ePerolehan', en: 'ePerolehan' },
    allowedOrigins: ['https://www.eperolehan.gov.my'],
    screens: [
      {
        matches: ['https://www.eperolehan.gov.my/*', '*://*/demo/eperolehan*'],
        buttons: '#btnPerakui, #btnSahkan, #btnLulus',
        officer: '#idPengguna',
        fields: { noPesanan: '#lblNoPesanan', tarikh: '#lblTarikh', tajuk: '#lblTajuk', pembekal: '#lblPembekal', jumlah: '#lblJumlah' },
        labels: { noPesanan: 'No. Pesanan', tarikh: 'Tarikh', tajuk: 'Tajuk', pembekal: 'Pembekal', jumlah: 'Jumlah (RM)' },
        idField: 'noPesanan',
        amountField: 'jumlah',
        payeeField: 'pembekal',
        title: 'Pesanan Kerajaan',
      },
    ],
  },
  {
    id: 'speks',
    names: { ms: 'SPEKS', en: 'SPEKS' },
    allowedOrigins: ['https://speks.anm.gov.my'],
    screens: [
      {
        matches: ['https://speks.anm.gov.my/*', '*://*/demo/speks*'],
        buttons: '#btnSemak, #btnLulus',
        officer: '#idPengguna',
        fields: { noBaucer: '#noBaucer', jenisBaucer: '#jenisBaucer', tarikhBaucer: '#tarikhBaucer', penerima: '#penerima', amaun: '#amaun', keterangan: '#keterangan' },
        labels: { noBaucer: 'No. Baucer', jenisBaucer: 'Jenis Baucer', tarikhBaucer: 'Tarikh Baucer', penerima: 'Penerima', amaun: 'Amaun (RM)', keterangan: 'Keterangan' },
        idField: 'noBaucer',
        amountField: 'amaun',
        payeeField: 'penerima',
        title: 'Baucer',
      },
    ],
  },
];

export function builtInSystem(id: string): SystemDefinition | undefined {
  return BUILT_IN_SYSTEMS.find((s) => s.id === id);
}
