import { documentDigestSync } from './document.js';
import { AMOUNT_PATTERN } from './money.js';
import type { PageDocument, SignDocument } from './widgetProtocol.js';

/** One line the dialog shows: a signed field, its label and its value as hashed. */
export interface ShownField {
  name: string;
  label: string;
  value: string;
}

export interface ShownDocument {
  /** Every signed field, amount and payee first, then the rest in the canonical (sorted) order. */
  rows: ShownField[];
  /** What the signing request carries: the document number, the digest of exactly `rows`, the summary. */
  document: SignDocument;
}

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * What the dialog shows and hashes for a document the page read: the same fields, the same
 * canonical rule (shared/document.ts), in the dialog's own origin.
 */
export function showDocument(page: PageDocument): ShownDocument {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(page.fields)) fields[name] = String(value);
  const first = [page.amountField, page.payeeField].filter((n): n is string => n !== undefined && n in fields);
  const names = [...first, ...Object.keys(fields).sort().filter((n) => !first.includes(n))];
  const rows = names.map((name) => ({ name, label: page.labels?.[name] ?? name, value: clean(fields[name]!) }));
  const pick = (name: string | undefined) => (name && fields[name] !== undefined ? clean(fields[name]!) : '');
  const amount = pick(page.amountField).replace(/^RM\s*/i, '');
  const payee = pick(page.payeeField);
  return {
    rows,
    document: {
      id: pick(page.idField).slice(0, 100),
      digest: documentDigestSync(fields),
      summary: {
        ...(page.title ? { title: page.title.slice(0, 200) } : {}),
        ...(AMOUNT_PATTERN.test(amount) ? { amount, currency: 'MYR' } : {}),
        ...(payee ? { payee: payee.slice(0, 200) } : {}),
      },
    },
  };
}
