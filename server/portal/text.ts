import { t as sharedT, type Lang } from '../../shared/i18n/index.js';
import { ERROR_CODES, RoamSignError, type ErrorCode } from '../../shared/errors.js';
import { PIN_MIN_LENGTH, PIN_MAX_LENGTH, type PinViolation } from './pinRules.js';

/** Portal wording, Bahasa Malaysia first, English second. */
const M = {
  portalTitle: ['Portal RoamSign (MyGPKI)', 'RoamSign portal (MyGPKI)'],
  adminTitle: ['Portal Pentadbir RoamSign', 'RoamSign administrator portal'],
  skip: ['Langkau ke kandungan', 'Skip to content'],
  signIn: ['Log masuk', 'Sign in'],
  signOut: ['Log keluar', 'Sign out'],
  nric: ['No. MyKad', 'MyKad number'],
  nricHint: ['12 digit, contoh 900101011234', '12 digits, e.g. 900101011234'],
  password: ['Kata laluan', 'Password'],
  code: ['Kod 6 digit daripada e-mel', '6-digit code from the e-mail'],
  codeSent: ['Jika No. MyKad ini berdaftar dengan e-mel yang disahkan, kod 6 digit telah dihantar ke e-mel tersebut (sah 10 minit).', 'If this MyKad number is registered with a verified e-mail, a 6-digit code has been sent to it (valid 10 minutes).'],
  adminCodeSent: ['Kod 6 digit telah dihantar ke e-mel anda (sah 10 minit).', 'A 6-digit code has been sent to your e-mail (valid 10 minutes).'],
  continue: ['Teruskan', 'Continue'],
  send: ['Hantar', 'Send'],
  save: ['Simpan', 'Save'],
  home: ['Laman utama', 'Home'],
  profile: ['Profil', 'Profile'],
  name: ['Nama', 'Name'],
  email: ['E-mel', 'E-mail'],
  phone: ['No. telefon bimbit', 'Mobile number'],
  officeAddress: ['Alamat pejabat', 'Office address'],
  agency: ['Agensi', 'Agency'],
  accountingOffice: ['Pejabat perakaunan', 'Accounting office'],
  system: ['Sistem', 'System'],
  media: ['Medium', 'Medium'],
  status: ['Status', 'Status'],
  verified: ['Disahkan', 'Verified'],
  notVerified: ['Belum disahkan', 'Not verified'],
  pendingEmail: ['Menunggu pengesahan', 'Waiting for verification'],
  application: ['Permohonan sijil Roaming', 'Roaming certificate application'],
  noApplication: ['Tiada permohonan lagi.', 'No application yet.'],
  app_pending: ['Menunggu kelulusan', 'Waiting for approval'],
  app_approved: ['Diluluskan', 'Approved'],
  app_rejected: ['Ditolak', 'Rejected'],
  certificate: ['Sijil digital', 'Digital certificate'],
  certValid: ['Sah sehingga', 'Valid until'],
  certRevoked: ['Dibatalkan', 'Revoked'],
  noCertificate: ['Tiada sijil.', 'No certificate.'],
  apply: ['Mohon sijil Roaming', 'Apply for the Roaming certificate'],
  pin: ['PIN tandatangan Roaming', 'Roaming signing PIN'],
  pinConfirm: ['Masukkan PIN sekali lagi', 'Enter the PIN again'],
  oldPin: ['PIN semasa', 'Current PIN'],
  newPin: ['PIN baharu', 'New PIN'],
  pinRulesTitle: ['Syarat PIN', 'PIN rules'],
  securityCheck: ['Semakan keselamatan', 'Security check'],
  securityCheckHint: ['Tekan "Hantar kod" untuk menerima kod 6 digit di e-mel anda, kemudian masukkan kod itu di bawah.', 'Press "Send code" to receive a 6-digit code by e-mail, then enter it below.'],
  sendCode: ['Hantar kod', 'Send code'],
  securityCodeSent: ['Kod semakan keselamatan telah dihantar ke e-mel anda.', 'The security check code has been sent to your e-mail.'],
  declaration: ['Saya mengaku bahawa maklumat yang diberikan adalah benar, sijil ini untuk kegunaan saya sahaja dan saya tidak akan berkongsi PIN atau OTP saya dengan sesiapa.', 'I declare that the information given is true, that this certificate is for my use only and that I will not share my PIN or OTP with anyone.'],
  submit: ['Hantar permohonan', 'Submit application'],
  changePin: ['Tukar PIN', 'Change PIN'],
  resetPin: ['Terlupa PIN (set semula)', 'Forgotten PIN (reset)'],
  resetHint: ['Kod akan dihantar ke e-mel anda. Set semula PIN juga membuka kunci PIN.', 'A code will be sent to your e-mail. Resetting the PIN also unlocks it.'],
  updateProfile: ['Kemas kini profil', 'Update profile'],
  newEmailHint: ['E-mel baharu hanya digunakan selepas anda membuka pautan pengesahan yang dihantar kepadanya.', 'A new e-mail is used only after you open the verification link sent to it.'],
  history: ['Sejarah tandatangan', 'Signing history'],
  noHistory: ['Tiada tandatangan lagi.', 'No signatures yet.'],
  date: ['Tarikh', 'Date'],
  documents: ['Dokumen', 'Documents'],
  signatures: ['Tandatangan', 'Signatures'],
  verifiedOk: ['Alamat e-mel anda telah disahkan. Anda boleh log masuk sekarang.', 'Your e-mail address is verified. You can sign in now.'],
  ok_applied: ['Permohonan anda telah dihantar dan menunggu kelulusan pentadbir.', 'Your application has been sent and is waiting for approval.'],
  ok_pin_changed: ['PIN anda telah ditukar.', 'Your PIN has been changed.'],
  ok_pin_reset: ['PIN anda telah diset semula dan kunci PIN dibuka.', 'Your PIN has been reset and unlocked.'],
  ok_profile: ['Profil anda telah dikemas kini.', 'Your profile has been updated.'],
  ok_email_pending: ['Pautan pengesahan telah dihantar ke e-mel baharu. E-mel lama digunakan sehingga disahkan.', 'A verification link has been sent to the new e-mail. The old address is used until then.'],
  ok_signed_out: ['Anda telah log keluar.', 'You have signed out.'],
  ok_registered: ['Pegawai telah didaftarkan dan pautan pengesahan e-mel dihantar.', 'The officer is registered and the verification link sent.'],
  ok_updated: ['Medium Roaming telah ditambah kepada pegawai sedia ada.', 'The Roaming medium has been added to the existing officer.'],
  ok_resent: ['Pautan pengesahan telah dihantar semula.', 'The verification link has been re-sent.'],
  ok_approved: ['Permohonan diluluskan dan sijil dikeluarkan.', 'Application approved and certificate issued.'],
  ok_rejected: ['Permohonan ditolak dan pegawai dimaklumkan.', 'Application rejected and the officer notified.'],
  ok_revoked: ['Sijil telah dibatalkan dan CRL dikeluarkan semula.', 'The certificate is revoked and the CRL reissued.'],
  ok_unlocked: ['PIN pegawai telah dibuka kunci.', "The officer's PIN is unlocked."],
  ok_movement: ['Pergerakan pegawai telah direkodkan; ia berkuat kuasa pada tarikh yang diberi.', 'The staff movement is recorded; it takes effect on the given date.'],
  ok_reactivated: ['Pegawai telah diaktifkan semula.', 'The officer is active again.'],
  movement: ['Pergerakan pegawai', 'Staff movement'],
  movementKind: ['Jenis pergerakan', 'Kind of movement'],
  movementTransfer: ['Pertukaran agensi', 'Transfer'],
  movementRetirement: ['Persaraan', 'Retirement'],
  movementEndOfRole: ['Tamat peranan', 'End of role'],
  effectiveDate: ['Tarikh berkuat kuasa', 'Effective date'],
  toAgency: ['Agensi baharu (bagi pertukaran)', 'New agency (for a transfer)'],
  recordMovement: ['Rekod pergerakan', 'Record movement'],
  reactivate: ['Aktifkan semula', 'Reactivate'],
  sessionEnded: ['Sesi anda telah tamat. Sila log masuk semula.', 'Your session has ended. Please sign in again.'],
  officers: ['Pegawai', 'Officers'],
  registerOfficer: ['Daftar pegawai', 'Register an officer'],
  registerHint: ['Pegawai sedia ada (token) akan ditambah medium Roaming.', 'An existing (token) officer gets the Roaming medium added.'],
  importCsv: ['Import pukal (CSV)', 'Bulk import (CSV)'],
  csvHint: ['Templat: nric,name,email,agency,accounting_office,system', 'Template: nric,name,email,agency,accounting_office,system'],
  csvFile: ['Fail CSV', 'CSV file'],
  csvText: ['atau tampal kandungan CSV', 'or paste the CSV content'],
  importReport: ['Laporan import', 'Import report'],
  row: ['Baris', 'Row'],
  reason: ['Sebab', 'Reason'],
  applications: ['Permohonan menunggu kelulusan', 'Applications waiting for approval'],
  noApplications: ['Tiada permohonan menunggu.', 'No applications waiting.'],
  approve: ['Lulus', 'Approve'],
  reject: ['Tolak', 'Reject'],
  rejectReason: ['Sebab penolakan', 'Reason for rejection'],
  revoke: ['Batalkan sijil', 'Revoke certificate'],
  revokeReason: ['Sebab pembatalan', 'Revocation reason'],
  unlock: ['Buka kunci PIN', 'Unlock PIN'],
  resend: ['Hantar semula pautan pengesahan', 'Re-send verification link'],
  audit: ['Log audit', 'Audit log'],
  auditFilter: ['Tapis mengikut No. MyKad (pilihan)', 'Filter by MyKad number (optional)'],
  show: ['Papar', 'Show'],
  at: ['Masa', 'Time'],
  actor: ['Pelaku', 'Actor'],
  action: ['Tindakan', 'Action'],
  subject: ['Subjek', 'Subject'],
  locked: ['PIN dikunci', 'PIN locked'],
  actions: ['Tindakan', 'Actions'],
  optional: ['(pilihan)', '(optional)'],
  created: ['Dicipta', 'Created'],
  updated: ['Dikemas kini', 'Updated'],
  rejected: ['Ditolak', 'Rejected'],
  errorTitle: ['Ralat', 'Error'],
  passkeys: ['Kunci laluan (passkey)', 'Passkeys'],
  passkeysHint: ['Kunci laluan pada telefon, komputer atau kunci keselamatan boleh menggantikan OTP semasa menandatangani (bersama PIN) dan kod e-mel semasa log masuk.', 'A passkey on your phone, computer or security key can replace the OTP when signing (with your PIN) and the e-mailed code when signing in.'],
  addPasskey: ['Tambah kunci laluan', 'Add a passkey'],
  addPasskeyHint: ['Masukkan PIN tandatangan anda dahulu. Peranti akan meminta PIN peranti, cap jari atau wajah anda.', 'Enter your signing PIN first. Your device will ask for its PIN, fingerprint or face.'],
  passkeyName: ['Nama kunci laluan (cth. Komputer pejabat)', 'Passkey name (e.g. Office computer)'],
  noPasskeys: ['Tiada kunci laluan.', 'No passkeys.'],
  rename: ['Namakan semula', 'Rename'],
  remove: ['Buang', 'Remove'],
  revokePasskey: ['Batalkan kunci laluan', 'Revoke passkey'],
  lastUsed: ['Terakhir digunakan', 'Last used'],
  passkeyFailed: ['Kunci laluan tidak dapat digunakan.', 'The passkey could not be used.'],
  signInWithPasskey: ['Log masuk dengan kunci laluan', 'Sign in with a passkey'],
  or: ['atau', 'or'],
  passkeyPolicy: ['Polisi faktor tandatangan', 'Signing factor policy'],
  passkeyPolicyHint: ['otp: OTP sahaja; otp-or-passkey: OTP atau kunci laluan (lalai); passkey-required: kunci laluan sahaja. Yang paling ketat antara sistem dan agensi terpakai.', 'otp: OTP only; otp-or-passkey: OTP or passkey (default); passkey-required: passkey only. The stricter of system and agency applies.'],
  defaultPolicy: ['(lalai)', '(default)'],
  ok_passkey_added: ['Kunci laluan telah ditambah.', 'The passkey has been added.'],
  ok_passkey_renamed: ['Kunci laluan telah dinamakan semula.', 'The passkey has been renamed.'],
  ok_passkey_removed: ['Kunci laluan telah dibuang.', 'The passkey has been removed.'],
  ok_passkey_revoked: ['Kunci laluan pegawai telah dibatalkan.', "The officer's passkey has been revoked."],
  ok_policy: ['Polisi telah disimpan.', 'The policy has been saved.'],
  back: ['Kembali', 'Back'],
} satisfies Record<string, [string, string]>;

export type TextKey = keyof typeof M;

export function tx(lang: Lang, key: TextKey): string {
  return M[key][lang === 'en' ? 1 : 0];
}

/** Why something was refused, in words (details.reason of a RoamSignError). */
const REASONS: Record<string, [string, string]> = {
  email_not_verified: ['Sila sahkan alamat e-mel anda dahulu (buka pautan dalam e-mel pendaftaran).', 'Please verify your e-mail address first (open the link in the registration e-mail).'],
  application_pending: ['Anda sudah mempunyai permohonan yang menunggu kelulusan.', 'You already have an application waiting for approval.'],
  application_not_pending: ['Permohonan ini tidak lagi menunggu keputusan.', 'This application is no longer waiting for a decision.'],
  unknown_system: ['Sistem tidak dikenali (igfmas, eperolehan atau speks).', 'Unknown system (igfmas, eperolehan or speks).'],
  bad_address: ['Alamat pejabat mesti antara 10 dan 500 aksara.', 'The office address must be 10 to 500 characters.'],
  bad_phone: ['No. telefon bimbit tidak sah (9 hingga 15 digit).', 'Invalid mobile number (9 to 15 digits).'],
  bad_email: ['Alamat e-mel tidak sah.', 'Invalid e-mail address.'],
  bad_nric: ['No. MyKad tidak sah (12 digit bermula dengan tarikh lahir).', 'Invalid MyKad number (12 digits starting with the birth date).'],
  missing_name: ['Nama diperlukan.', 'The name is required.'],
  unknown_agency: ['Agensi tidak dikenali.', 'Unknown agency.'],
  agency_outside_scope: ['Pegawai atau agensi ini di luar skop agensi anda.', 'This officer or agency is outside your agency scope.'],
  officer_in_other_agency: ['Pegawai ini berdaftar di agensi lain (gunakan rekod pertukaran).', 'This officer is registered in another agency (record a transfer).'],
  duplicate_in_file: ['No. MyKad berulang dalam fail.', 'MyKad number repeated in the file.'],
  bad_row: ['Bilangan lajur salah.', 'Wrong number of columns.'],
  declaration_required: ['Sila tandakan perakuan.', 'Please tick the declaration.'],
  pin_rules: ['PIN tidak memenuhi syarat.', 'The PIN does not meet the rules.'],
  no_pin: ['Anda belum mempunyai PIN Roaming (permohonan belum diluluskan).', 'You have no Roaming PIN yet (no approved application).'],
  link_unknown: ['Pautan pengesahan tidak sah.', 'Invalid verification link.'],
  link_used: ['Pautan pengesahan ini telah digunakan.', 'This verification link has already been used.'],
  link_expired: ['Pautan pengesahan telah tamat tempoh (24 jam). Minta pentadbir menghantar semula.', 'The verification link has expired (24 hours). Ask your administrator to re-send it.'],
  bad_credentials: ['No. MyKad atau kata laluan salah.', 'Wrong MyKad number or password.'],
  already_verified: ['E-mel pegawai ini sudah disahkan.', "This officer's e-mail is already verified."],
  reason_required: ['Sila nyatakan sebab (3 hingga 500 aksara).', 'Please give a reason (3 to 500 characters).'],
  bad_revocation_reason: ['Sebab pembatalan tidak sah.', 'Invalid revocation reason.'],
  no_certificate: ['Pegawai ini tiada sijil yang sah.', 'This officer has no live certificate.'],
  bad_csv_header: ['Baris pertama CSV mesti: nric,name,email,agency,accounting_office,system', 'The first CSV line must be: nric,name,email,agency,accounting_office,system'],
  csv_too_large: ['Fail CSV terlalu besar.', 'The CSV file is too large.'],
  csrf: ['Borang ini tidak sah atau telah tamat. Sila muat semula halaman.', 'This form is invalid or expired. Please reload the page.'],
  origin: ['Permintaan daripada laman lain ditolak.', 'Requests from other sites are refused.'],
  agency_required: ['Agensi diperlukan.', 'The agency is required.'],
  form_content_type: ['Borang mesti dihantar sebagai borang web biasa.', 'The form must be sent as an ordinary web form.'],
  form_charset: ['Borang mesti dihantar dalam UTF-8.', 'The form must be sent in UTF-8.'],
  form_not_utf8: ['Borang mengandungi aksara yang bukan UTF-8.', 'The form holds characters that are not UTF-8.'],
  form_malformed: ['Borang yang dihantar rosak atau tidak lengkap. Sila cuba lagi.', 'The form sent is damaged or incomplete. Please try again.'],
  too_many_passkeys: ['Had kunci laluan telah dicapai; buang satu dahulu.', 'The passkey limit is reached; remove one first.'],
  passkey_name: ['Nama kunci laluan mesti 1 hingga 60 aksara.', 'The passkey name must be 1 to 60 characters.'],
  passkey_exists: ['Kunci laluan ini sudah didaftarkan.', 'This passkey is already registered.'],
  bad_policy: ['Polisi tidak sah.', 'Invalid policy.'],
  body_incomplete: ['Borang tidak diterima sepenuhnya. Sila cuba lagi.', 'The form did not arrive in full. Please try again.'],
};

const PIN_VIOLATIONS: Record<PinViolation, [string, string]> = {
  mismatch: ['Kedua-dua PIN tidak sama.', 'The two PINs differ.'],
  not_digits: ['PIN mesti mengandungi digit sahaja.', 'The PIN must contain digits only.'],
  too_short: [`PIN mesti sekurang-kurangnya ${PIN_MIN_LENGTH} digit.`, `The PIN must have at least ${PIN_MIN_LENGTH} digits.`],
  too_long: [`PIN tidak boleh melebihi ${PIN_MAX_LENGTH} digit.`, `The PIN may have at most ${PIN_MAX_LENGTH} digits.`],
  repeated: ['PIN tidak boleh satu digit berulang (cth. 111111).', 'The PIN may not be one repeated digit (e.g. 111111).'],
  sequence: ['PIN tidak boleh urutan lurus (cth. 123456, 987654).', 'The PIN may not be a straight run (e.g. 123456, 987654).'],
  common: ['PIN ini terlalu biasa (cth. 123123, 112233, 121212).', 'This PIN is too common (e.g. 123123, 112233, 121212).'],
  from_nric: ['PIN tidak boleh diambil daripada No. MyKad anda.', 'The PIN may not be taken from your MyKad number.'],
  birth_date: ['PIN tidak boleh tarikh lahir anda.', 'The PIN may not be your birth date.'],
};

/** The rules as shown above every PIN field. */
export function pinRuleList(lang: Lang): string[] {
  return (['too_short', 'not_digits', 'repeated', 'sequence', 'common', 'from_nric', 'birth_date'] as const).map((v) => PIN_VIOLATIONS[v][lang === 'en' ? 1 : 0]);
}

/** An error as sentences for the page: the reason (or PIN rules broken), else the code's message. */
export function errorLines(lang: Lang, error: unknown): string[] {
  const i = lang === 'en' ? 1 : 0;
  if (!(error instanceof RoamSignError)) return [sharedT(lang, 'error.internal')];
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : null;
  if (reason === 'pin_rules' && Array.isArray(error.details?.violations)) {
    return [REASONS.pin_rules![i], ...(error.details.violations as PinViolation[]).map((v) => PIN_VIOLATIONS[v][i])];
  }
  if (reason && REASONS[reason]) return [REASONS[reason][i]];
  const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(error.code) ? error.code : 'internal';
  const lines = [sharedT(lang, `error.${code}`)];
  if (typeof error.details?.attemptsLeft === 'number') lines.push(lang === 'en' ? `Attempts left: ${error.details.attemptsLeft}.` : `Cubaan berbaki: ${error.details.attemptsLeft}.`);
  // A spent budget (limits/): when to try again, and that a browser used before is not held up.
  if (code === 'rate_limited' && typeof error.details?.retryAfterSeconds === 'number') {
    const minutes = Math.max(1, Math.ceil(error.details.retryAfterSeconds / 60));
    lines.push(
      lang === 'en'
        ? `Try again in ${minutes} minute(s), or from a browser you signed in with before.`
        : `Cuba lagi dalam ${minutes} minit, atau daripada pelayar yang pernah anda gunakan untuk log masuk.`,
    );
  }
  return lines;
}

export function reasonText(lang: Lang, reason: string): string {
  return REASONS[reason]?.[lang === 'en' ? 1 : 0] ?? reason;
}
