import { formatMalaysiaTime } from '../../shared/time.js';
import type { Notices } from '../notify/notices.js';
import { sendBilingual } from '../notify/sendBilingual.js';

/**
 * The e-mailed 6-digit security code of a sign-in, PIN reset or security check (10 minutes). The
 * subject never carries the code (a lock-screen notification shows it to anyone nearby).
 */
export async function sendCode(deps: { notices: Notices; now: () => number }, to: { nric: string | null; email: string }, code: string, purpose: { ms: string; en: string }): Promise<void> {
  const until = deps.now() + CODE_TTL_MS;
  await sendBilingual(
    deps,
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
