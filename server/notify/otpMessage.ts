import { t, type Lang } from '../../shared/i18n/index.js';
import { batchTotal, formatAmount } from '../../shared/money.js';
import { formatMalaysiaTime } from '../../shared/time.js';
import { systemName, type SystemId } from '../../shared/systems.js';
import type { StoredDocument } from '../db/schema.js';

export interface OtpMessageInput {
  lang: Lang;
  system: SystemId;
  documents: StoredDocument[];
  otp: string;
  verificationCode: string;
  expiresAt: Date;
  ttlSeconds: number;
}

const LISTED_DOCUMENTS = 5;

/** The OTP message names what is being signed, so the code cannot be mistaken for another's (DESIGN.md step 7). */
export function composeOtpMessage(input: OtpMessageInput): { subject: string; text: string } {
  const { lang, documents } = input;
  const lines = [t(lang, 'otp.intro', { system: systemName(input.system) })];
  if (documents.length > 1) {
    const total = batchTotal(documents.map((d) => d.summary));
    lines.push(t(lang, 'otp.batch', { count: documents.length, total: total ?? '-' }));
  }
  for (const doc of documents.slice(0, LISTED_DOCUMENTS)) {
    const amount = doc.summary?.amount ? `, ${formatAmount(doc.summary.amount, doc.summary.currency)}` : '';
    const payee = doc.summary?.payee ? `, ${doc.summary.payee}` : '';
    lines.push(t(lang, 'otp.document', { id: doc.id, amount, payee }));
  }
  if (documents.length > LISTED_DOCUMENTS) lines.push(`  (+${documents.length - LISTED_DOCUMENTS})`);
  lines.push(
    '',
    t(lang, 'otp.code', { otp: input.otp }),
    t(lang, 'otp.verification', { verificationCode: input.verificationCode }),
    t(lang, 'otp.expiry', {
      expiresAt: formatMalaysiaTime(lang, input.expiresAt, { seconds: true, zone: true }),
      minutes: Math.round((input.ttlSeconds / 60) * 10) / 10,
    }),
    '',
    t(lang, 'otp.ignore'),
  );
  // The subject names what is signed, never a code: a phone notification shows only the subject.
  const first = documents[0];
  const document = documents.length === 1 && first ? [first.summary?.title, first.id].filter(Boolean).join(' ') : t(lang, 'otp.documents', { count: documents.length });
  return { subject: t(lang, 'otp.subject', { document, system: systemName(input.system) }), text: lines.join('\n') };
}
