import { documentDigest } from '../shared/document.js';
import type { SiteRule } from '../shared/siteRules.js';
import type { SignDocument } from '../shared/widgetProtocol.js';

function valueOf(element: Element | null): string {
  if (!element) return '';
  return 'value' in element && typeof (element as HTMLInputElement).value === 'string'
    ? (element as HTMLInputElement).value
    : element.textContent ?? '';
}

/** The officer's MyKad number as shown on the screen ("900101-01-1234" -> "900101011234"). */
export function readOfficer(root: ParentNode, rule: SiteRule): string | null {
  const digits = valueOf(root.querySelector(rule.officer)).replace(/\D/g, '');
  return digits.length === 12 ? digits : null;
}

/** The document on the screen, as the rule's fields describe it, with its canonical digest. */
export async function readDocument(root: ParentNode, rule: SiteRule): Promise<SignDocument> {
  const fields: Record<string, string> = {};
  for (const name in rule.fields) fields[name] = valueOf(root.querySelector(rule.fields[name]!));
  const pick = (name: string | undefined) => (name ? fields[name]?.replace(/\s+/g, ' ').trim() || undefined : undefined);
  const amount = pick(rule.amountField)?.replace(/^RM\s*/i, '');
  const summary = {
    ...(rule.title ? { title: rule.title } : {}),
    ...(amount && /^-?[\d,]+(\.\d{1,2})?$/.test(amount) ? { amount, currency: 'MYR' } : {}),
    ...(pick(rule.payeeField) ? { payee: pick(rule.payeeField)!.slice(0, 200) } : {}),
  };
  return { id: pick(rule.idField) ?? '', digest: await documentDigest(fields), summary };
}
