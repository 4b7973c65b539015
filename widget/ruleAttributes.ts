import type { ScreenRule } from '../shared/siteRules.js';

/** The rule keys the widget's data-* attributes and RoamSign.configure() set (data-id-field -> idField, data-batch -> batch …). */
const KEYS = {
  buttons: 'selector',
  officer: 'selector',
  container: 'selector',
  fields: 'selectors',
  labels: 'texts',
  idField: 'field',
  amountField: 'field',
  payeeField: 'field',
  title: 'text',
  // data-batch='{"rows": "tr.dok", "selected": "input[name=pilih]:checked"}' (kelulusan pukal)
  batch: 'selectors',
} as const;

const attributeName = (key: string) => `data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * A screen rule (or the part of one) from the widget's attributes or configure() values. A bad
 * value is reported by its attribute name and left out; the rest still applies.
 */
export function ruleFromAttributes(values: Record<string, unknown>, doc: Document, report: (message: string) => void): Partial<ScreenRule> {
  const rule: Record<string, unknown> = {};
  const bad = (key: string, why: string) => report(`RoamSign: ${attributeName(key)} (${key}): ${why}`);
  if (!/^[a-z][a-z0-9-]{1,31}$/.test(String(values.system ?? ''))) bad('system', 'not a system id');
  const selectorProblem = (s: string) => {
    try {
      doc.querySelector(s);
      return null;
    } catch {
      return `"${s}" is not a CSS selector`;
    }
  };
  for (const [key, kind] of Object.entries(KEYS)) {
    let value = values[key];
    if (value === undefined) continue;
    if ((kind === 'selectors' || kind === 'texts') && typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        bad(key, 'expected JSON, for example {"noBaucer": "#noBaucer"}');
        continue;
      }
    }
    if (kind === 'selectors' || kind === 'texts') {
      if (!value || typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
        bad(key, 'expected an object of strings');
        continue;
      }
      const problem =
        key === 'batch' && Object.keys(value).sort().join() !== 'rows,selected'
          ? 'expected {"rows": "…", "selected": "…"}'
          : kind === 'selectors'
            ? Object.values(value as Record<string, string>).map(selectorProblem).find(Boolean)
            : null;
      if (problem) {
        bad(key, problem);
        continue;
      }
    } else if (typeof value !== 'string' || !value.trim()) {
      bad(key, 'expected a non-empty string');
      continue;
    } else if (kind === 'selector' && selectorProblem(value)) {
      bad(key, selectorProblem(value)!);
      continue;
    }
    rule[key] = value;
  }
  const fields = rule.fields as Record<string, string> | undefined;
  for (const key of ['idField', 'amountField', 'payeeField'] as const) {
    const name = rule[key] as string | undefined;
    if (name && fields && !(name in fields)) {
      bad(key, `"${name}" is not one of data-fields`);
      delete rule[key];
    }
  }
  // Own fields make a screen of the page's own: the built-in screen's labels, title and field roles
  // name other fields and are not inherited.
  if (fields) for (const key of ['labels', 'title', 'idField', 'amountField', 'payeeField', 'batch']) if (!(key in rule)) rule[key] = undefined;
  return rule as Partial<ScreenRule>;
}
