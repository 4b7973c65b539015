import type { Services } from '../services.js';

/** One bilingual notice: Bahasa Malaysia first, English after (the officer may read either). */
export async function sendBilingual(
  services: Services,
  to: { nric: string | null; email: string },
  subject: { ms: string; en: string },
  body: { ms: string; en: string },
  code?: string,
): Promise<void> {
  await services.notices.send({
    nric: to.nric,
    to: to.email,
    subject: `${subject.ms} / ${subject.en}`,
    text: `${body.ms}\n\n---\n\n${body.en}\n\n-- RoamSign`,
    ...(code ? { code } : {}),
  });
}

/** The e-mailed 6-digit code of a sign-in, PIN reset or security check (10 minutes). */
export async function sendCode(services: Services, to: { nric: string | null; email: string }, code: string, purpose: { ms: string; en: string }): Promise<void> {
  await sendBilingual(
    services,
    to,
    { ms: `Kod ${purpose.ms} RoamSign: ${code}`, en: `RoamSign ${purpose.en} code: ${code}` },
    {
      ms: `Kod ${purpose.ms} anda: ${code}\nSah selama 10 minit. Jangan kongsi kod ini dengan sesiapa. Jika anda tidak memintanya, abaikan e-mel ini.`,
      en: `Your ${purpose.en} code: ${code}\nValid for 10 minutes. Do not share it with anyone. If you did not ask for it, ignore this e-mail.`,
    },
    code,
  );
}

export const CODE_TTL_MS = 10 * 60 * 1000;
