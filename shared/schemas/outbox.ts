import { z } from 'zod';

/** Sandbox only (API.md): one message the sandbox "sent". */
export const outboxMessageSchema = z
  .object({
    to: z.string(),
    channel: z.enum(['push', 'email']),
    subject: z.string(),
    text: z.string(),
    otp: z.string().nullable(),
    requestId: z.string().nullable(),
    sentAt: z.iso.datetime(),
  })
  .meta({ id: 'OutboxMessage' });

export const outboxQuerySchema = z.object({ to: z.string().trim().min(3).max(254).meta({ description: 'MyKad number or e-mail address' }) });
