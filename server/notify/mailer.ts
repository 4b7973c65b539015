import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * E-mail through nodemailer's SMTP transport when a URL is configured. Without one (sandbox only:
 * env.ts requires SMTP elsewhere) there is nowhere to send to: the sandbox outbox row is the
 * delivery, so no MIME message is built that nobody would read.
 */
export function createMailer(options: { smtpUrl: string | undefined; from: string }): Mailer {
  if (!options.smtpUrl) return { send: async () => {}, close: () => {} };
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from: options.from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close() {
      transport.close();
    },
  };
}
