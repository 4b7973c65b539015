import { formatMalaysiaTime } from '../../shared/time.js';
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

/**
 * The e-mailed 6-digit security code of a sign-in, PIN reset or security check (10 minutes). The
 * subject never carries the code (a lock-screen notification shows it to anyone nearby).
 */
export async function sendCode(services: Services, to: { nric: string | null; email: string }, code: string, purpose: { ms: string; en: string }): Promise<void> {
  const until = services.now() + CODE_TTL_MS;
  await sendBilingual(
    services,
    to,
    { ms: `Kod keselamatan ${purpose.ms} RoamSign`, en: `RoamSign ${purpose.en} security code` },
    {
      ms: `Kod keselamatan ${purpose.ms} anda: ${code}\nSah sehingga ${formatMalaysiaTime('ms', until, { zone: true })} (10 minit). Jangan kongsi kod ini dengan sesiapa. Jika anda tidak memintanya, abaikan e-mel ini.`,
      en: `Your ${purpose.en} security code: ${code}\nValid until ${formatMalaysiaTime('en', until, { zone: true })} (10 minutes). Do not share it with anyone. If you did not ask for it, ignore this e-mail.`,
    },
    code,
  );
}

export const CODE_TTL_MS = 10 * 60 * 1000;
