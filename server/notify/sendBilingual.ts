import type { Notices } from './notices.js';

/** One bilingual notice: Bahasa Malaysia first, English after (the officer may read either). */
export async function sendBilingual(
  deps: { notices: Notices },
  to: { nric: string | null; email: string },
  subject: { ms: string; en: string },
  body: { ms: string; en: string },
  code?: string,
): Promise<void> {
  await deps.notices.send({
    nric: to.nric,
    to: to.email,
    subject: `${subject.ms} / ${subject.en}`,
    text: `${body.ms}\n\n---\n\n${body.en}\n\n-- RoamSign`,
    ...(code ? { code } : {}),
  });
}
