import type { Config } from '../env.js';

/** Where the e-mails of a command went: the sandbox outbox, SMTP, or nowhere (then say how to fix it). */
export function deliveryLine(config: Pick<Config, 'sandbox' | 'smtpUrl' | 'publicUrl'>): string {
  if (config.sandbox) return `e-mails: in the sandbox outbox, ${config.publicUrl}/dev/outbox`;
  if (config.smtpUrl) return 'e-mails: sent through ROAMSIGN_SMTP_URL';
  return 'warning: no ROAMSIGN_SMTP_URL and ROAMSIGN_SANDBOX is not 1: the e-mails were not delivered; set one and re-send (resend-verification)';
}
