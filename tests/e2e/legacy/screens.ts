import type { ScreenRule } from '../../../shared/siteRules.js';

/**
 * Odd legacy screens RoamSign has never seen (issue 8), each with the rule that describes it. The
 * widget gets the rule through its data-* attributes, the extension through its settings or
 * policy (as system "speks": today the server still needs a registered system id).
 */

/** The host name the tests map to 127.0.0.1 (Chromium --host-resolver-rules): plain http, not localhost. */
export const LEGACY_HOST = 'legacy.intranet.test';
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
