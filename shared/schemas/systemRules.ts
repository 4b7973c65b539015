import { z } from 'zod';
import { parseMatchPattern } from '../matchPattern.js';
import type { ScreenRule, SystemDefinition } from '../siteRules.js';
import { SYSTEM_ID_PATTERN } from '../systems.js';

// The one schema of systems and screen rules: the extension's options and policy, the widget's
// server-side rules and (later) the server's registry validate with it.

export const systemIdSchema = z.string().regex(SYSTEM_ID_PATTERN, 'expected a system id: a-z first, then a-z, 0-9 or -, 2 to 32 long');

const selector = z.string().trim().min(1, 'empty selector').max(500);

/** A field name is a line's key in the canonical document ("name=value"): no '=' and no whitespace. */
export const fieldNameSchema = z.string().regex(/^[^\s=]{1,64}$/, 'a field name has 1 to 64 characters, no "=" and no spaces');

export const matchPatternSchema = z.string().superRefine((value, ctx) => {
  const parsed = parseMatchPattern(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `match pattern "${value}": ${parsed.reason}` });
});

export const screenRuleSchema = z
  .strictObject({
    matches: z.array(matchPatternSchema).min(1, 'at least one URL pattern'),
    buttons: selector,
    officer: selector,
    container: selector.optional(),
    fields: z.record(fieldNameSchema, selector).refine((f) => Object.keys(f).length > 0, 'at least one field'),
    labels: z.record(fieldNameSchema, z.string().trim().min(1).max(100)).optional(),
    idField: fieldNameSchema,
    amountField: fieldNameSchema.optional(),
    payeeField: fieldNameSchema.optional(),
    title: z.string().trim().min(1).max(100).optional(),
    batch: z.strictObject({ rows: selector, selected: selector }).optional(),
  })
  .superRefine((rule, ctx) => {
    for (const key of ['idField', 'amountField', 'payeeField'] as const) {
      const name = rule[key];
      if (name !== undefined && !(name in rule.fields)) ctx.addIssue({ code: 'custom', path: [key], message: `"${name}" is not one of the fields` });
    }
    for (const name of Object.keys(rule.labels ?? {})) {
      if (!(name in rule.fields)) ctx.addIssue({ code: 'custom', path: ['labels', name], message: `"${name}" is not one of the fields` });
    }
  });

const originSchema = z.string().refine((value) => {
  try {
    return /^https?:$/.test(new URL(value).protocol) && new URL(value).origin === value;
  } catch {
    return false;
  }
}, 'expected an origin like https://speks.agency.gov.my (scheme, host, optional port; no path)');

export const systemDefinitionSchema = z.strictObject({
  id: systemIdSchema,
  names: z.strictObject({ ms: z.string().trim().min(1).max(100), en: z.string().trim().min(1).max(100) }),
  allowedOrigins: z.array(originSchema).max(50),
  screens: z.array(screenRuleSchema).min(1, 'at least one screen').max(50),
});

export const systemListSchema = z.array(systemDefinitionSchema).max(100).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((s, i) => {
    if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `system "${s.id}" is listed twice` });
    seen.add(s.id);
  });
});

// The schemas describe exactly the shared types (a compile error here means they drifted).
const _screen: ScreenRule = {} as z.infer<typeof screenRuleSchema>;
const _system: SystemDefinition = {} as z.infer<typeof systemDefinitionSchema>;
void _screen;
void _system;

/** Every problem with a list of systems, each naming where it is ("1.screens.0.idField: …"). */
export function systemListProblems(input: unknown): string[] {
  const result = systemListSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || 'systems'}: ${i.message}`);
}
