import { t, type Lang } from '../../../shared/i18n/index.js';
import type { ScreenRule } from '../../../shared/siteRules.js';
import { showDocument, type ShownField } from '../../../shared/shownDocument.js';
import { readJob } from '../../../widget/pageDocument.js';

// What a rule would sign on this page, read with the widget's and the extension's own code
// (widget/pageDocument.ts) and shown as the dialog shows it (shared/shownDocument.ts): the fields
// that would be hashed, amount and payee first, and the digest; or the dialog's refusal.

/** One approve control's outcome: the documents its click would sign, or why the dialog would refuse. */
export interface ControlPreview {
  control: Element;
  documents: { id: string; digest: string; rows: ShownField[] }[];
  refusal?: string;
}

/** What a click on `control` would sign under `rule`. */
export function previewControl(control: Element, rule: ScreenRule, lang: Lang): ControlPreview {
  const job = readJob(control, rule);
  if (job.kind === 'refused') return { control, documents: [], refusal: t(lang, `client.${job.problem}`, { detail: job.detail ?? '' }) };
  const pages = job.kind === 'page' ? [job.document] : job.kind === 'pages' ? job.documents : [];
  return {
    control,
    documents: pages.map((page) => {
      const shown = showDocument(page);
      return { id: shown.document.id, digest: shown.document.digest, rows: shown.rows };
    }),
  };
}

/**
 * Every approve control of the page, in the page's order, with what its click would sign; for a
 * batch rule, every row as it would be signed when selected (a bad selector finds none).
 */
export function previewPage(doc: Document, rule: ScreenRule, lang: Lang): ControlPreview[] {
  let controls: Element[] = [];
  try {
    controls = [...doc.querySelectorAll(rule.batch ? rule.batch.rows : rule.buttons)];
  } catch {
    return [];
  }
  if (!rule.batch) return controls.map((control) => previewControl(control, rule, lang));
  // One row read as its own document: the row is the container, and the "control" is the row itself.
  const { batch: _batch, ...single } = rule;
  return controls.map((row) => previewControl(row, { ...single, container: rule.batch!.rows }, lang));
}
