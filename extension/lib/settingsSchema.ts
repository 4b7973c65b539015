import { z } from 'zod';
import { systemListSchema } from '../../shared/schemas/systemRules.js';
import type { PartialSettings } from './settings.js';

// The settings the options page saves and a managed policy pushes, validated with the shared
// system schema (the same the server uses for its registry).

export const settingsSchema = z.strictObject({
  serverUrl: z
    .string()
    .trim()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'http(s) only')
    .optional(),
  lang: z.enum(['ms', 'en']).optional(),
  systems: systemListSchema.optional(),
});

/** Validates settings; the messages name the failing field ("systems.0.screens.1.matches.0: …"). */
export function validateSettings(input: unknown): { ok: true; value: PartialSettings } | { ok: false; errors: string[] } {
  const result = settingsSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data as PartialSettings };
  return { ok: false, errors: result.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`) };
}

/** What can be used of stored or managed settings: each valid key (a bad key is dropped, not the rest). */
export function usableSettings(input: unknown): PartialSettings {
  if (!input || typeof input !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (validateSettings({ [key]: value }).ok) out[key] = (validateSettings({ [key]: value }) as { value: Record<string, unknown> }).value[key];
  }
  return out as PartialSettings;
}
