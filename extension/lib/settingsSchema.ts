import { z } from 'zod';
import { SYSTEMS } from '../../shared/systems.js';
import type { PartialSettings } from './settings.js';

const selector = z.string().trim().min(1).max(500);

const ruleSchema = z.strictObject({
  matches: z.array(z.string().regex(/^(\*|https?|<all_urls>)/, 'a match pattern like https://host/*')).min(1).optional(),
  buttons: selector.optional(),
  officer: selector.optional(),
  fields: z.record(z.string().regex(/^\w+$/), selector).optional(),
  idField: z.string().optional(),
  amountField: z.string().optional(),
  payeeField: z.string().optional(),
  title: z.string().max(100).optional(),
});

export const settingsSchema = z.strictObject({
  serverUrl: z
    .string()
    .trim()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'http(s) only')
    .optional(),
  lang: z.enum(['ms', 'en']).optional(),
  rules: z.partialRecord(z.enum(SYSTEMS), ruleSchema).optional(),
});

/** Validates what the options page is about to save; the messages name the failing field. */
export function validateSettings(input: unknown): { ok: true; value: PartialSettings } | { ok: false; errors: string[] } {
  const result = settingsSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data as PartialSettings };
  return { ok: false, errors: result.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`) };
}
