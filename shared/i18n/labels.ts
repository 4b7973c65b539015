import type { Lang } from './index.js';
import { formatMalaysiaTime } from '../time.js';

/**
 * Words for the values people read in the portal, e-mails and /mobile (issue 13: one vocabulary):
 * statuses, media, roles, revocation reasons, audit events. Kept apart from the dialog's catalogue
 * (ms.ts / en.ts) so the dialog bundle does not carry them. [Bahasa Malaysia, English].
 */
type Pair = readonly [string, string];
const pick = (pair: Pair | undefined, lang: Lang, raw: string) => (pair ? pair[lang === 'en' ? 1 : 0] : raw);

/**
 * The terms themselves, one meaning each:
 * - OTP: the 6-digit one-time password of a signature (phone app or e-mail);
 * - verification code: the 4-digit code that must match between the signing screen and the OTP message;
 * - security code: the 6-digit e-mailed code of a sign-in, a security check or a device registration;
 * - verification link: the e-mailed link that proves an address receives mail.
 */
export const TERMS = {
  otp: ['OTP', 'OTP'],
  verificationCode: ['kod pengesahan', 'verification code'],
  securityCode: ['kod keselamatan', 'security code'],
  verificationLink: ['pautan pengesahan e-mel', 'e-mail verification link'],
} as const satisfies Record<string, Pair>;

export function term(lang: Lang, key: keyof typeof TERMS): string {
  return pick(TERMS[key], lang, key);
}

const OFFICER_STATUS: Record<string, Pair> = {
  active: ['Aktif', 'Active'],
  suspended: ['Digantung', 'Suspended'],
  retired: ['Bersara / tamat perkhidmatan', 'Retired / service ended'],
  closed: ['Ditutup', 'Closed'],
};

const REQUEST_STATUS: Record<string, Pair> = {
  pending: ['Menunggu OTP', 'Waiting for the OTP'],
  signing: ['Sedang ditandatangani', 'Being signed'],
  signed: ['Ditandatangani', 'Signed'],
  failed: ['Gagal', 'Failed'],
  cancelled: ['Dibatalkan', 'Cancelled'],
  expired: ['Tamat tempoh (tidak ditandatangani)', 'Expired (not signed)'],
};

const APPLICATION_STATUS: Record<string, Pair> = {
  pending: ['Menunggu kelulusan', 'Waiting for approval'],
  approved: ['Diluluskan', 'Approved'],
  rejected: ['Ditolak', 'Rejected'],
};

const MEDIUM: Record<string, Pair> = {
  roaming: ['Roaming', 'Roaming'],
  token: ['Token', 'Token'],
};

const ADMIN_ROLE: Record<string, Pair> = {
  admin: ['Pentadbir nasional', 'National administrator'],
  sap: ['SAP (Pentadbir Agensi Kanan)', 'SAP (senior agency administrator)'],
  sa: ['SA (Pentadbir Agensi)', 'SA (agency administrator)'],
  ap: ['AP (Pegawai Pelulus)', 'AP (approving officer)'],
};

/** RFC 5280 reasons, as an administrator would say them. */
const REVOCATION_REASON: Record<string, Pair> = {
  unspecified: ['Tiada sebab khusus', 'No specific reason'],
  keyCompromise: ['Kunci terjejas (PIN atau kunci bocor)', 'Key compromised (PIN or key exposed)'],
  affiliationChanged: ['Bertukar agensi atau jawatan', 'Changed agency or post'],
  superseded: ['Diganti dengan sijil baharu', 'Replaced by a new certificate'],
  cessationOfOperation: ['Tamat perkhidmatan atau peranan', 'Service or role ended'],
  certificateHold: ['Digantung sementara', 'On hold'],
  privilegeWithdrawn: ['Kebenaran ditarik balik', 'Privilege withdrawn'],
};

const MOVEMENT_KIND: Record<string, Pair> = {
  transfer: ['Pertukaran agensi', 'Transfer'],
  retirement: ['Persaraan', 'Retirement'],
  end_of_role: ['Tamat peranan', 'End of role'],
};

const DEVICE_STATUS: Record<string, Pair> = {
  active: ['Aktif', 'Active'],
  inactive: ['Tidak aktif', 'Inactive'],
};

const PASSKEY_STATUS: Record<string, Pair> = {
  active: ['Aktif', 'Active'],
  suspended: ['Digantung (mungkin disalin)', 'Suspended (may be cloned)'],
  revoked: ['Dibatalkan', 'Revoked'],
};

/** Audit events in words. An event not listed shows its code. */
const AUDIT_ACTION: Record<string, Pair> = {
  'passkey.registered': ['Kunci laluan didaftarkan', 'Passkey registered'],
  'passkey.renamed': ['Kunci laluan dinamakan semula', 'Passkey renamed'],
  'passkey.removed': ['Kunci laluan dibuang', 'Passkey removed'],
  'passkey.revoked': ['Kunci laluan dibatalkan', 'Passkey revoked'],
  'passkey.suspended': ['Kunci laluan digantung (pembilang mundur)', 'Passkey suspended (counter went back)'],
  'passkey.policy_set': ['Polisi faktor tandatangan ditetapkan', 'Signing factor policy set'],
  'passkey.pin_failed': ['PIN salah semasa menambah kunci laluan', 'Wrong PIN when adding a passkey'],
  'passkey.password_failed': ['Kata laluan salah semasa menambah kunci laluan', 'Wrong password when adding a passkey'],
  'passkey.challenge_issued': ['Cabaran kunci laluan dikeluarkan', 'Passkey challenge issued'],
  'passkey.consumed': ['Kunci laluan digunakan untuk tandatangan', 'Passkey used to sign'],
  'admin.created': ['Pentadbir dicipta', 'Administrator created'],
  'admin.sign_in_failed': ['Log masuk pentadbir gagal', 'Administrator sign-in failed'],
  'admin.password_changed': ['Kata laluan pentadbir ditukar', 'Administrator password changed'],
  'admin.password_reset': ['Kata laluan pentadbir diset semula', 'Administrator password reset'],
  'admin.password_link_sent': ['Pautan kata laluan pentadbir dihantar', 'Administrator password link sent'],
  'application.approved': ['Permohonan sijil diluluskan', 'Certificate application approved'],
  'application.rejected': ['Permohonan sijil ditolak', 'Certificate application rejected'],
  'application.submitted': ['Permohonan sijil dihantar', 'Certificate application submitted'],
  'approval.passed': ['Kelulusan disahkan oleh gerbang', 'Approval passed by the gate'],
  'approval.refused': ['Kelulusan ditolak oleh gerbang', 'Approval refused by the gate'],
  'approval.released': ['Kelulusan dipulangkan oleh gerbang (sistem tidak menerimanya)', 'Approval given back by the gate (the system did not take it)'],
  'ca.created': ['CA dicipta', 'CA created'],
  'tsa.created': ['Pihak berkuasa cap masa (TSA) RoamSign disediakan', 'RoamSign time-stamping authority set up'],
  'ca.rolled_over': ['Kunci CA diganti (CA baharu)', 'CA key rolled over (new CA)'],
  'certificate.issued': ['Sijil dikeluarkan', 'Certificate issued'],
  'certificate.revoked': ['Sijil dibatalkan', 'Certificate revoked'],
  // Issue 21: certificate life.
  'certificate.renewed': ['Sijil diperbaharui', 'Certificate renewed'],
  'certificate.renewal_notice': ['Notis tamat tempoh sijil dihantar', 'Certificate expiry notice sent'],
  'certificate.renewal_pin_failed': ['PIN salah semasa pembaharuan sijil', 'Wrong PIN at certificate renewal'],
  'certificate.suspended': ['Sijil digantung sementara', 'Certificate put on hold'],
  'certificate.reinstated': ['Penggantungan sijil ditarik balik', 'Certificate hold lifted'],
  'ocsp.responder_certified': ['Sijil responder OCSP dikeluarkan', 'OCSP responder certificate issued'],
  'client.created': ['Klien sistem dicipta', 'System client created'],
  'client.removed': ['Klien sistem dibuang', 'System client removed'],
  'client.revoked': ['Klien sistem dibatalkan', 'System client revoked'],
  'client.rotated': ['Rahsia klien sistem ditukar', 'System client secret rotated'],
  'demo.removed': ['Data demo dibuang', 'Demo data removed'],
  'device.deactivated': ['Peranti GPKI Mobile dinyahaktifkan', 'GPKI Mobile device deactivated'],
  'device.registered': ['Peranti GPKI Mobile didaftarkan', 'GPKI Mobile device registered'],
  'device.registration_started': ['Pendaftaran peranti GPKI Mobile dimulakan', 'GPKI Mobile registration started'],
  'device.removed': ['Peranti GPKI Mobile dibuang', 'GPKI Mobile device removed'],
  'email.verification_sent': ['Pautan pengesahan e-mel dihantar', 'E-mail verification link sent'],
  'email.verified': ['E-mel disahkan', 'E-mail verified'],
  'movement.applied': ['Pergerakan pegawai berkuat kuasa', 'Staff movement took effect'],
  'movement.recorded': ['Pergerakan pegawai direkodkan', 'Staff movement recorded'],
  'officer.certificate_revoked': ['Sijil pegawai dibatalkan oleh pentadbir', "Officer's certificate revoked by an administrator"],
  'officer.closed': ['Akaun pegawai ditutup', 'Officer account closed'],
  'officer.reactivated': ['Pegawai diaktifkan semula', 'Officer reactivated'],
  'officer.registered': ['Pegawai didaftarkan', 'Officer registered'],
  'officer.suspended': ['Pegawai digantung', 'Officer suspended'],
  'officer.updated': ['Maklumat pegawai dikemas kini', 'Officer updated'],
  'pin.wrong': ['PIN salah', 'Wrong PIN'],
  'limits.reset': ['Had permintaan kod dan kata laluan diset semula', 'Code and password limits reset'],
  'officers.imported': ['Import pukal pegawai', 'Officers imported in bulk'],
  'otp.consumed': ['OTP digunakan', 'OTP used'],
  'otp.resent': ['OTP dihantar semula', 'OTP re-sent'],
  'otp.sent': ['OTP dihantar', 'OTP sent'],
  'otp.wrong': ['OTP salah dimasukkan', 'Wrong OTP entered'],
  'pin.change_failed': ['Tukar PIN gagal', 'PIN change failed'],
  'pin.changed': ['PIN ditukar', 'PIN changed'],
  'pin.locked': ['PIN dikunci', 'PIN locked'],
  'pin.reset': ['PIN diset semula', 'PIN reset'],
  'pin.unlocked': ['PIN dibuka kunci', 'PIN unlocked'],
  'portal.signed_in': ['Log masuk portal', 'Signed in to the portal'],
  'profile.updated': ['Profil dikemas kini', 'Profile updated'],
  'request.cancelled': ['Permintaan tandatangan dibatalkan', 'Signing request cancelled'],
  'request.created': ['Permintaan tandatangan dibuat', 'Signing request created'],
  'request.interrupted': ['Permintaan tandatangan terganggu', 'Signing request interrupted'],
  'request.renewed': ['Masa permintaan tandatangan dilanjutkan (kunci laluan sahaja)', 'Signing request given more time (passkey only)'],
  'request.signed': ['Dokumen ditandatangani', 'Document signed'],
  'request.superseded': ['Permintaan tandatangan diganti', 'Signing request replaced'],
  'token.issued': ['Token akses sistem dikeluarkan', 'System access token issued'],
  'token.refused': ['Token akses sistem ditolak', 'System access token refused'],
};

export const labels = {
  officerStatus: (lang: Lang, v: string) => pick(OFFICER_STATUS[v], lang, v),
  requestStatus: (lang: Lang, v: string) => pick(REQUEST_STATUS[v], lang, v),
  applicationStatus: (lang: Lang, v: string) => pick(APPLICATION_STATUS[v], lang, v),
  medium: (lang: Lang, v: string) => pick(MEDIUM[v], lang, v),
  adminRole: (lang: Lang, v: string) => pick(ADMIN_ROLE[v], lang, v),
  revocationReason: (lang: Lang, v: string) => pick(REVOCATION_REASON[v], lang, v),
  movementKind: (lang: Lang, v: string) => pick(MOVEMENT_KIND[v], lang, v),
  deviceStatus: (lang: Lang, v: string) => pick(DEVICE_STATUS[v], lang, v),
  passkeyStatus: (lang: Lang, v: string) => pick(PASSKEY_STATUS[v], lang, v),
  auditAction: (lang: Lang, v: string) => pick(AUDIT_ACTION[v], lang, v),
};

/** Known audit actions (the audit page's filter). */
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION);

/** The kinds of spent budget a 429 names (server/limits/refuseSpent.ts). */
export type SpentBudget = 'unknown_caller' | 'address' | 'known_caller' | 'password';

/** What a 429's details say: which budget, its limit, until when (ISO) or how long. */
export interface SpentDetails {
  budget?: unknown;
  limit?: unknown;
  retryAt?: unknown;
  retryAfterSeconds?: unknown;
}

const SPENT_WHY: Record<SpentBudget, (limit: number) => Pair> = {
  unknown_caller: (n) => [
    `Had ${n} kod sejam untuk pegawai ini, yang diminta daripada pelayar yang belum dikenali RoamSign, telah dicapai. Had ini melindungi pegawai daripada kod yang tidak diminta.`,
    `This officer has had the ${n} codes an hour that browsers RoamSign does not know yet may ask for. The limit protects officers from codes they did not ask for.`,
  ],
  address: (n) => [
    `Had ${n} kod sejam yang boleh diminta daripada rangkaian ini oleh pelayar yang belum dikenali telah dicapai.`,
    `This network has asked for the ${n} codes an hour that browsers RoamSign does not know yet may ask for.`,
  ],
  known_caller: (n) => [`Had ${n} kod sejam untuk pegawai ini daripada sistem atau pelayar ini telah dicapai.`, `This officer has had the ${n} codes an hour this system or browser may ask for.`],
  password: (n) => [`Terlalu banyak kata laluan yang salah (${n} dalam 15 minit).`, `Too many wrong passwords (${n} in 15 minutes).`],
};

/** What works meanwhile, for the budgets an unknown browser spends. */
const SPENT_MEANWHILE: Pair = [
  'Sementara itu, anda boleh menandatangani daripada pelayar yang pernah anda gunakan untuk menandatangani, atau melalui portal RoamSign.',
  'Meanwhile, you can sign from a browser you have signed with before, or through the RoamSign portal.',
];

/**
 * A 429 in words (issue 23 item 1): why, until when in Malaysian time, and what works meanwhile;
 * in the sandbox, the command that resets the budgets. Falls back to the plain message when the
 * details name no budget (an OTP re-send asked for too soon says how many seconds).
 */
export function spentText(lang: Lang, details: SpentDetails | undefined, options: { plain: string; sandboxReset?: string }): string {
  const i = lang === 'en' ? 1 : 0;
  const budget = typeof details?.budget === 'string' && details.budget in SPENT_WHY ? (details.budget as SpentBudget) : null;
  const retryAt = typeof details?.retryAt === 'string' ? Date.parse(details.retryAt) : NaN;
  const seconds = typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds : null;
  const parts: string[] = [];
  parts.push(budget ? SPENT_WHY[budget](typeof details?.limit === 'number' ? details.limit : 0)[i] : options.plain);
  if (!Number.isNaN(retryAt)) parts.push(lang === 'en' ? `Try again after ${formatMalaysiaTime(lang, retryAt, { zone: true })}.` : `Cuba lagi selepas ${formatMalaysiaTime(lang, retryAt, { zone: true })}.`);
  else if (seconds !== null) parts.push(lang === 'en' ? `Try again in ${seconds} second(s).` : `Cuba lagi dalam ${seconds} saat.`);
  if (budget === 'unknown_caller' || budget === 'address') parts.push(SPENT_MEANWHILE[i]);
  if (budget && budget !== 'password' && options.sandboxReset) {
    parts.push(lang === 'en' ? `Sandbox: reset the limits with: ${options.sandboxReset}` : `Kotak pasir: set semula had dengan: ${options.sandboxReset}`);
  }
  return parts.join(' ');
}

/** The audit log's detail keys in words (issue 23 item 5): every key an entry may carry. */
const AUDIT_DETAIL: Record<string, Pair> = {
  aggregate: ['Ringkasan seminit', 'One-minute summary'],
  aaguid: ['Jenis pengesah (AAGUID)', 'Authenticator type (AAGUID)'],
  agencyCode: ['Agensi', 'Agency'],
  application: ['Permohonan', 'Application'],
  approvalId: ['Kelulusan', 'Approval'],
  attempts: ['Cubaan', 'Attempts'],
  authenticatorData: ['Data pengesah', 'Authenticator data'],
  batch: ['Kumpulan import', 'Import batch'],
  by: ['Oleh', 'By'],
  caller: ['Pemanggil', 'Caller'],
  certificateSerial: ['No. siri sijil', 'Certificate serial'],
  channel: ['Saluran', 'Channel'],
  client: ['Klien sistem', 'System client'],
  code: ['Kod', 'Code'],
  count: ['Bilangan', 'Count'],
  counter: ['Pembilang', 'Counter'],
  created: ['Dicipta', 'Created'],
  credentialId: ['ID kunci laluan', 'Passkey ID'],
  days: ['Hari', 'Days'],
  generation: ['Generasi CA', 'CA generation'],
  previousGeneration: ['Generasi CA sebelumnya', 'Previous CA generation'],
  caGeneration: ['Generasi CA', 'CA generation'],
  deviceType: ['Jenis peranti', 'Device type'],
  documentId: ['Dokumen', 'Document'],
  documents: ['Dokumen', 'Documents'],
  effectiveAt: ['Berkuat kuasa', 'Effective'],
  email: ['E-mel', 'E-mail'],
  error: ['Ralat', 'Error'],
  factor: ['Faktor kedua', 'Second factor'],
  failures: ['Cubaan salah berturut-turut', 'Wrong tries in a row'],
  fields: ['Medan', 'Fields'],
  from: ['Dari', 'From'],
  fromAgencyCode: ['Dari agensi', 'From agency'],
  hits: ['Kiraan dibuang', 'Counts removed'],
  kind: ['Jenis', 'Kind'],
  lastActivityAt: ['Aktiviti terakhir', 'Last activity'],
  listed: ['Disenaraikan seminit', 'Listed per minute'],
  media: ['Medium', 'Media'],
  minute: ['Minit', 'Minute'],
  medium: ['Medium', 'Medium'],
  movementId: ['Pergerakan', 'Movement'],
  name: ['Nama', 'Name'],
  notAfter: ['Sah hingga', 'Valid until'],
  officer: ['Pegawai', 'Officer'],
  nric: ['No. MyKad', 'MyKad number'],
  origin: ['Laman asal', 'Page origin'],
  platform: ['Platform', 'Platform'],
  policy: ['Dasar', 'Policy'],
  presented: ['Dikemukakan', 'Presented'],
  previous: ['Sijil sebelumnya', 'Previous certificate'],
  pushed: ['Dihantar ke GPKI Mobile', 'Pushed to GPKI Mobile'],
  requestId: ['Permintaan tandatangan', 'Signing request'],
  reason: ['Sebab', 'Reason'],
  rejected: ['Ditolak', 'Rejected'],
  role: ['Peranan', 'Role'],
  rule: ['Peraturan', 'Rule'],
  rows: ['Baris', 'Rows'],
  sandbox: ['Kotak pasir', 'Sandbox'],
  scopes: ['Skop', 'Scopes'],
  sends: ['Penghantaran', 'Sends'],
  serial: ['No. siri sijil', 'Certificate serial'],
  serials: ['No. siri sijil', 'Certificate serials'],
  settledBy: ['Diselesaikan oleh', 'Settled by'],
  source: ['Sumber', 'Source'],
  stored: ['Disimpan', 'Stored'],
  subjectType: ['Pemilik', 'Owner'],
  system: ['Sistem', 'System'],
  to: ['Ke', 'To'],
  upstream: ['Sistem di belakang gate', 'Back end behind the gate'],
  toAgencyCode: ['Ke agensi', 'To agency'],
  tokensRevoked: ['Token dibatalkan', 'Tokens revoked'],
  valid: ['Sah', 'Valid'],
  wasLocked: ['Terkunci sebelum ini', 'Was locked'],
};

/** The values of a few keys in words; others are shown as they are (times in Malaysian time). */
const AUDIT_VALUE: Record<string, Record<string, Pair>> = {
  caller: {
    client: ['sistem berdaftar (token)', 'registered system (token)'],
    device: ['pelayar yang pernah menandatangani', 'a browser that signed before'],
    unknown: ['pelayar atau pemanggil yang belum dikenali', 'a browser or caller not known yet'],
  },
  channel: { push: ['GPKI Mobile', 'GPKI Mobile'], email: ['e-mel', 'e-mail'] },
  subjectType: { officer: ['pegawai', 'officer'], admin: ['pentadbir', 'administrator'] },
  factor: { otp: ['OTP', 'OTP'], passkey: ['kunci laluan', 'passkey'] },
};

/** Whether a detail key has its words (the audit test walks every key the server writes). */
export const hasAuditDetailLabel = (key: string) => key in AUDIT_DETAIL;

/** One audit detail as "Label: value", readable: no raw key, null as a dash, yes / no, Malaysian time. */
export function auditDetail(lang: Lang, key: string, value: unknown): string {
  const i = lang === 'en' ? 1 : 0;
  const label = AUDIT_DETAIL[key]?.[i] ?? key;
  return `${label}: ${auditValue(lang, key, value)}`;
}

function auditValue(lang: Lang, key: string, value: unknown): string {
  const i = lang === 'en' ? 1 : 0;
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? (i ? 'yes' : 'ya') : i ? 'no' : 'tidak';
  if (Array.isArray(value)) return value.length ? value.map((v) => auditValue(lang, key, v)).join(', ') : '—';
  if (typeof value === 'string') {
    const word = AUDIT_VALUE[key]?.[value];
    if (word) return word[i];
    if (key === 'reason') return pick(REVOCATION_REASON[value], lang, value);
    if (key === 'kind') return pick(MOVEMENT_KIND[value], lang, value);
    if (key === 'media' || key === 'medium') return pick(MEDIUM[value], lang, value);
    if (key === 'role') return pick(ADMIN_ROLE[value], lang, value);
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return formatMalaysiaTime(lang, Date.parse(value), { seconds: true });
    return value;
  }
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => auditDetail(lang, k, v)).join(', ');
  return String(value);
}
