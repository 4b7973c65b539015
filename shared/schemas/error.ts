import { z } from 'zod';
import { ERROR_CODES, type ErrorBody } from '../errors.js';

/** The body of every non-2xx answer (API.md "Errors"). */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({ description: 'stable, machine-readable' }),
      message: z.string().meta({ description: 'for people: Bahasa Malaysia, or English with Accept-Language: en' }),
      details: z.record(z.string(), z.unknown()).optional().meta({ description: 'e.g. the failing fields, attemptsLeft' }),
    }),
  })
  .meta({ id: 'Error' });

// errors.ts keeps its plain interface (the widget imports it without zod); the two must agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const errorBodyMatchesInterface: Same<z.infer<typeof errorBodySchema>, ErrorBody> = true;
