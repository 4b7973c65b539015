import type { Lang } from '../../../shared/i18n/index.js';

/** GPKI Mobile's wording: Bahasa Malaysia first, English second (the switch at the top of the page). */
const TEXT = {
  tagline: ['Terima OTP tandatangan RoamSign', 'Receive your RoamSign signing OTPs'],
  switchTo: ['English', 'Bahasa Malaysia'],
  // Registration
  registerTitle: ['Daftar peranti', 'Register this device'],
  registerHint: [
    'Masukkan No. MyKad dan nombor telefon bimbit yang tercatat dalam profil MyGPKI anda. Kod keselamatan akan dihantar ke e-mel anda.',
    'Enter your MyKad number and the mobile number in your MyGPKI profile. A security code will be sent to your e-mail.',
  ],
  nric: ['No. MyKad', 'MyKad number'],
  phone: ['No. telefon bimbit', 'Mobile number'],
  platform: ['Platform', 'Platform'],
  deviceName: ['Nama peranti', 'Device name'],
  defaultDeviceName: ['Telefon {platform}', '{platform} phone'],
  sendCode: ['Hantar kod keselamatan', 'Send the security code'],
  platform_android: ['Android', 'Android'],
  platform_ios: ['iOS', 'iOS'],
  platform_web: ['Pelayar web', 'Web browser'],
  phoneMismatch: [
    'No. MyKad dan nombor telefon ini tidak sepadan dengan profil MyGPKI anda. Semak nombor telefon bimbit di portal RoamSign (Profil), atau minta pentadbir agensi mengemas kininya, kemudian cuba lagi.',
    'This MyKad number and mobile number do not match your MyGPKI profile. Check the mobile number in the RoamSign portal (Profile), or ask your agency administrator to update it, then try again.',
  ],
  network: ['Tiada sambungan ke pelayan. Cuba lagi.', 'No connection to the server. Try again.'],
  httpError: ['Ralat {status}', 'Error {status}'],
  // The e-mailed code
  codeTitle: ['Masukkan kod keselamatan', 'Enter the security code'],
  codeSentBefore: ['Kod 6 digit telah dihantar ke e-mel ', 'A 6-digit code has been sent to '],
  codeSentAfter: ['. Kod sah selama 10 minit.', '. The code is valid for 10 minutes.'],
  code: ['Kod keselamatan (6 digit, daripada e-mel)', 'Security code (6 digits, from the e-mail)'],
  confirmCode: ['Sahkan dan aktifkan peranti', 'Confirm and activate this device'],
  back: ['Kembali', 'Back'],
  registered: ['Peranti berjaya didaftarkan. OTP tandatangan anda akan dipaparkan di sini.', 'This device is registered. Your signing OTPs will be shown here.'],
  // The active device
  connecting: ['Menyambung…', 'Connecting…'],
  reconnecting: ['Menyambung semula…', 'Reconnecting…'],
  connected: ['Bersambung — peranti aktif', 'Connected — device active'],
  offline: ['Tiada sambungan', 'No connection'],
  waitingTitle: ['Menunggu permintaan tandatangan', 'Waiting for a signing request'],
  waitingHint: [
    'Biarkan aplikasi ini terbuka. OTP akan dipaparkan di sini sebaik sahaja anda menekan Sah / Peraku.',
    'Keep this app open. The OTP is shown here as soon as you press Sah / Peraku.',
  ],
  remove: ['Buang akaun dari peranti ini', 'Remove the account from this device'],
  removeConfirm: [
    'Buang akaun dari peranti ini? OTP akan dihantar melalui e-mel sehingga anda mendaftar semula.',
    'Remove the account from this device? OTPs will go by e-mail until you register again.',
  ],
  removed: ['Akaun telah dibuang dari peranti ini.', 'The account has been removed from this device.'],
  replaced: [
    'Peranti ini telah dinyahaktifkan kerana peranti lain didaftarkan untuk akaun anda. OTP kini dihantar ke peranti baharu itu.',
    'This device has been deactivated because another device was registered for your account. OTPs now go to that new device.',
  ],
  deactivated: ['Peranti ini telah dinyahaktifkan.', 'This device has been deactivated.'],
  inactive: ['Peranti ini tidak lagi aktif. Daftar semula untuk menerima OTP.', 'This device is no longer active. Register again to receive OTPs.'],
  // A push
  requestTitle: ['Permintaan tandatangan', 'Signing request'],
  batch: ['{count} dokumen', '{count} documents'],
  batchTotal: ['{count} dokumen, jumlah {total}', '{count} documents, total {total}'],
  more: ['(+{count} lagi)', '(+{count} more)'],
  verificationCode: ['Kod pengesahan (mesti sama dengan kod pada skrin tandatangan): ', 'Verification code (must match the code on the signing screen): '],
  yourOtp: ['Kod OTP anda', 'Your OTP'],
  validFor: ['Sah selama {time}', 'Valid for {time}'],
  doNotShare: ['Jangan kongsi kod ini dengan sesiapa. Jika anda tidak meminta tandatangan ini, abaikan.', 'Do not share this code with anyone. If you did not ask for this signature, ignore it.'],
  ended_signed: ['Telah digunakan — dokumen ditandatangani', 'Used — the document is signed'],
  ended_cancelled: ['Tidak lagi sah — permintaan dibatalkan', 'No longer valid — the request was cancelled'],
  ended_superseded: ['Tidak lagi sah — diganti oleh permintaan baharu', 'No longer valid — replaced by a new request'],
  ended_failed: ['Tidak lagi sah — permintaan gagal', 'No longer valid — the request failed'],
  ended_expired: ['Tamat tempoh', 'Expired'],
  // Passkey
  passkeyTitle: ['Kunci laluan (passkey)', 'Passkey'],
  passkeyHint: [
    'Tandatangan dengan PIN + kunci laluan telefon ini, tanpa menunggu OTP. Masukkan PIN tandatangan anda dahulu.',
    "Sign with your PIN + this phone's passkey, without waiting for an OTP. Enter your signing PIN first.",
  ],
  signingPin: ['PIN tandatangan', 'Signing PIN'],
  passkeyAdd: ['Daftar kunci laluan telefon ini', "Register this phone's passkey"],
  passkeyAdded: ['Kunci laluan telefon ini telah didaftarkan.', "This phone's passkey has been registered."],
  passkeyFailed: ['Kunci laluan tidak dapat didaftarkan.', 'The passkey could not be registered.'],
} as const satisfies Record<string, readonly [ms: string, en: string]>;

export type { Lang };
export type TextKey = keyof typeof TEXT;

/** The text for `key` in `lang`, with `{name}` placeholders filled. */
export function text(lang: Lang, key: TextKey, params: Record<string, string | number> = {}): string {
  const [ms, en] = TEXT[key];
  return (lang === 'en' ? en : ms).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
