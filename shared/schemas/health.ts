import { z } from 'zod';

export const healthSchema = z.object({ status: z.literal('ok'), version: z.string() }).meta({ id: 'Health' });

export const readinessSchema = z
  .object({ status: z.literal('ready'), database: z.enum(['sqlite', 'postgres']), databaseMs: z.number() })
  .meta({ id: 'Readiness' });
