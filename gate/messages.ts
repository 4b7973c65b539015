import type { ApprovalRefusal } from '../shared/schemas/approval.js';
import type { Lang } from '../shared/i18n/index.js';

/** Everything the gate can refuse for: RoamSign's reasons, and RoamSign not answering. */
export type GateRefusal = ApprovalRefusal | 'roamsign_unreachable' | 'gate_busy';

interface Text {
  /** What was wrong. */
  what: string;
  /** What the officer does next. */
  todo: string;
}

const SIGN_AGAIN_MS = 'Buka semula dokumen dan tekan butang kelulusan sekali lagi untuk menandatangani dengan PIN dan OTP.';
const SIGN_AGAIN_EN = 'Open the document again and press the approval button once more to sign with your PIN and OTP.';
const CALL_MS = 'Jika masalah berterusan, hubungi pentadbir sistem anda.';
const CALL_EN = 'If this keeps happening, contact your system administrator.';

// Bahasa Malaysia first (DESIGN.md), English one switch away (Accept-Language: en).
const MESSAGES: Record<Lang, Record<GateRefusal, Text>> = {
  ms: {
    body_too_large: { what: 'Borang yang dihantar terlalu besar untuk disemak.', todo: `Kurangkan saiz lampiran dan cuba lagi. ${CALL_MS}` },
    body_malformed: { what: 'Borang kelulusan yang dihantar tidak dapat dibaca.', todo: `${SIGN_AGAIN_MS} ${CALL_MS}` },
    body_type: { what: 'Borang kelulusan tidak dihantar dalam format yang dijangka.', todo: `Muat semula skrin dan cuba lagi. ${CALL_MS}` },
    field_repeated: { what: 'Borang kelulusan mengandungi medan yang sama lebih daripada sekali.', todo: `Muat semula skrin dan cuba lagi. ${CALL_MS}` },
    document_incomplete: { what: 'Borang kelulusan tidak mengandungi semua maklumat dokumen yang ditandatangani.', todo: `Muat semula skrin dan cuba lagi. ${CALL_MS}` },
    target_malformed: { what: 'Alamat (URL) kelulusan ini tidak dapat dibaca dengan satu cara sahaja.', todo: `Buka semula dokumen dari menu sistem dan cuba lagi. ${CALL_MS}` },
    body_encoded: { what: 'Borang kelulusan dihantar dalam bentuk mampat atau berkod yang tidak disemak.', todo: `Muat semula skrin dan cuba lagi. ${CALL_MS}` },
    charset_unsupported: { what: 'Borang kelulusan dihantar dalam set aksara yang tidak disokong (hanya UTF-8, US-ASCII atau ISO-8859-1).', todo: `Muat semula skrin dan cuba lagi. ${CALL_MS}` },
    field_malformed: { what: 'Borang kelulusan mengandungi aksara kawalan, pemisah atau kunci berganda yang boleh dibaca dengan lebih daripada satu cara.', todo: `Muat semula skrin dan cuba lagi. ${CALL_MS}` },
    url_mismatch: { what: 'Alamat (URL) kelulusan ini menamakan dokumen lain daripada dokumen yang ditandatangani.', todo: `Buka semula dokumen yang betul, kemudian ${SIGN_AGAIN_MS.charAt(0).toLowerCase()}${SIGN_AGAIN_MS.slice(1)}` },
    officer_missing: { what: 'Pegawai yang membuat kelulusan tidak dapat dikenal pasti.', todo: 'Log masuk semula ke sistem dan cuba lagi.' },
    unsigned: { what: 'Kelulusan ini tidak ditandatangani dengan RoamSign.', todo: `${SIGN_AGAIN_MS} Pastikan sambungan RoamSign tidak disekat oleh pelayar.` },
    officer_unknown: { what: 'Pegawai ini tidak berdaftar dengan RoamSign.', todo: CALL_MS },
    token_not_allowed: { what: 'Kelulusan dengan token tidak lagi diterima pada skrin ini.', todo: `Mohon sijil RoamSign (Roaming) di portal MyGPKI. ${CALL_MS}` },
    token_signature_missing: { what: 'Kelulusan ini tidak membawa tandatangan token.', todo: 'Pasang token anda dan tandatangan semula dokumen.' },
    signature_malformed: { what: 'Tandatangan yang dihantar rosak.', todo: SIGN_AGAIN_MS },
    request_unknown: { what: 'Tandatangan ini tidak dikenali oleh RoamSign.', todo: SIGN_AGAIN_MS },
    wrong_system: { what: 'Tandatangan ini dibuat untuk sistem lain.', todo: SIGN_AGAIN_MS },
    request_not_signed: { what: 'Permohonan tandatangan ini belum selesai ditandatangani.', todo: SIGN_AGAIN_MS },
    officer_mismatch: { what: 'Tandatangan ini milik pegawai lain, bukan pegawai yang log masuk.', todo: 'Setiap pegawai mesti menandatangani kelulusannya sendiri. Log masuk sebagai diri anda dan tandatangan semula.' },
    document_mismatch: { what: 'Tandatangan ini bukan untuk dokumen yang dihantar: dokumen atau medannya telah berubah selepas ditandatangani.', todo: `Semak dokumen, kemudian ${SIGN_AGAIN_MS.charAt(0).toLowerCase()}${SIGN_AGAIN_MS.slice(1)}` },
    signature_mismatch: { what: 'Tandatangan ini bukan milik permohonan tandatangan yang dinamakan.', todo: SIGN_AGAIN_MS },
    signature_invalid: { what: 'Tandatangan ini tidak sah.', todo: SIGN_AGAIN_MS },
    certificate_revoked: { what: 'Sijil digital yang menandatangani telah dibatalkan.', todo: `Anda tidak boleh menandatangani dengan sijil ini. ${CALL_MS}` },
    certificate_invalid: { what: 'Sijil digital yang menandatangani tidak sah atau telah tamat tempoh.', todo: CALL_MS },
    stale: { what: 'Tandatangan ini sudah terlalu lama untuk digunakan.', todo: SIGN_AGAIN_MS },
    replay: { what: 'Tandatangan ini telah pun digunakan untuk satu kelulusan. Satu tandatangan hanya untuk satu kelulusan.', todo: SIGN_AGAIN_MS },
    rate_limited: { what: 'Terlalu banyak kelulusan yang ditolak dari alamat ini dalam seminit. Tiada apa-apa yang dihantar.', todo: `Tunggu seminit dan cuba lagi. ${CALL_MS}` },
    gate_busy: { what: 'Gerbang RoamSign sedang sibuk menyemak kelulusan lain. Tiada apa-apa yang dihantar.', todo: `Cuba lagi sebentar lagi. ${CALL_MS}` },
    roamsign_unreachable: { what: 'Pelayan RoamSign tidak dapat dihubungi, jadi kelulusan tidak dapat disahkan. Tiada apa-apa yang dihantar.', todo: `Cuba lagi sebentar lagi. ${CALL_MS}` },
  },
  en: {
    body_too_large: { what: 'The submitted form is too large to be checked.', todo: `Make the attachments smaller and try again. ${CALL_EN}` },
    body_malformed: { what: 'The approval form could not be read.', todo: `${SIGN_AGAIN_EN} ${CALL_EN}` },
    body_type: { what: 'The approval form was not sent in the expected format.', todo: `Reload the screen and try again. ${CALL_EN}` },
    field_repeated: { what: 'The approval form carries the same field more than once.', todo: `Reload the screen and try again. ${CALL_EN}` },
    document_incomplete: { what: 'The approval form does not carry every field of the signed document.', todo: `Reload the screen and try again. ${CALL_EN}` },
    target_malformed: { what: 'The address (URL) of this approval cannot be read one way only.', todo: `Open the document again from the system's menu and retry. ${CALL_EN}` },
    body_encoded: { what: 'The approval form was sent compressed or encoded, which is not checked.', todo: `Reload the screen and try again. ${CALL_EN}` },
    charset_unsupported: { what: 'The approval form was sent in an unsupported character set (only UTF-8, US-ASCII or ISO-8859-1).', todo: `Reload the screen and try again. ${CALL_EN}` },
    field_malformed: { what: 'The approval form carries control characters, separators or repeated keys that can be read more than one way.', todo: `Reload the screen and try again. ${CALL_EN}` },
    url_mismatch: { what: 'The address (URL) of this approval names another document than the one signed.', todo: `Open the right document, then ${SIGN_AGAIN_EN.charAt(0).toLowerCase()}${SIGN_AGAIN_EN.slice(1)}` },
    officer_missing: { what: 'The officer making this approval could not be identified.', todo: 'Sign in to the system again and retry.' },
    unsigned: { what: 'This approval was not signed with RoamSign.', todo: `${SIGN_AGAIN_EN} Make sure the browser does not block RoamSign.` },
    officer_unknown: { what: 'This officer is not registered with RoamSign.', todo: CALL_EN },
    token_not_allowed: { what: 'Token approvals are no longer accepted on this screen.', todo: `Apply for a RoamSign (Roaming) certificate in the MyGPKI portal. ${CALL_EN}` },
    token_signature_missing: { what: 'This approval carries no token signature.', todo: 'Insert your token and sign the document again.' },
    signature_malformed: { what: 'The signature sent is damaged.', todo: SIGN_AGAIN_EN },
    request_unknown: { what: 'RoamSign does not know this signature.', todo: SIGN_AGAIN_EN },
    wrong_system: { what: 'This signature was made for another system.', todo: SIGN_AGAIN_EN },
    request_not_signed: { what: 'This signing request has not been signed yet.', todo: SIGN_AGAIN_EN },
    officer_mismatch: { what: 'This signature belongs to another officer, not the one signed in.', todo: 'Every officer signs their own approvals. Sign in as yourself and sign again.' },
    document_mismatch: { what: 'This signature is not for the document sent: the document or one of its fields changed after signing.', todo: `Check the document, then ${SIGN_AGAIN_EN.charAt(0).toLowerCase()}${SIGN_AGAIN_EN.slice(1)}` },
    signature_mismatch: { what: 'This signature does not belong to the signing request it names.', todo: SIGN_AGAIN_EN },
    signature_invalid: { what: 'This signature is not valid.', todo: SIGN_AGAIN_EN },
    certificate_revoked: { what: 'The signing certificate has been revoked.', todo: `You cannot sign with this certificate. ${CALL_EN}` },
    certificate_invalid: { what: 'The signing certificate is not valid or has expired.', todo: CALL_EN },
    stale: { what: 'This signature is too old to be used.', todo: SIGN_AGAIN_EN },
    replay: { what: 'This signature has already been used for an approval. One signature approves once.', todo: SIGN_AGAIN_EN },
    rate_limited: { what: 'Too many approvals from this address were refused in the last minute. Nothing was sent.', todo: `Wait a minute and try again. ${CALL_EN}` },
    gate_busy: { what: 'The RoamSign Gate is busy checking other approvals. Nothing was sent.', todo: `Try again in a moment. ${CALL_EN}` },
    roamsign_unreachable: { what: 'The RoamSign server cannot be reached, so the approval cannot be checked. Nothing was sent.', todo: `Try again in a moment. ${CALL_EN}` },
  },
};

export const PAGE_TEXT: Record<Lang, { title: string; heading: string; whatToDo: string; reference: string; back: string }> = {
  ms: { title: 'Kelulusan ditolak', heading: 'Kelulusan tidak dihantar', whatToDo: 'Apa yang perlu dibuat', reference: 'Kod', back: 'Kembali ke skrin sebelumnya' },
  en: { title: 'Approval refused', heading: 'The approval was not sent', whatToDo: 'What to do', reference: 'Code', back: 'Back to the previous screen' },
};

export function refusalText(lang: Lang, reason: GateRefusal): Text {
  return MESSAGES[lang][reason];
}
