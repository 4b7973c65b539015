import type { ScreenRule } from '../shared/siteRules.js';
import type { JobInput } from '../shared/widgetProtocol.js';

// Reads the document from where the officer clicked (DESIGN.md "What you see is what you sign"):
// the clicked control's container, never the first match elsewhere on the page.

const valueOf = (el: Element) => ('value' in el && typeof (el as HTMLInputElement).value === 'string' ? (el as HTMLInputElement).value : el.textContent ?? '');

/** The rule's container closest to the control; by default the control's form, else its row, fieldset or section. */
export function containerOf(control: Element, rule: Pick<ScreenRule, 'container'>): Element | null {
  if (rule.container) return control.closest(rule.container);
  return (control as HTMLButtonElement).form ?? control.closest('form') ?? control.closest('tr,fieldset,section');
}

/**
 * Which approval a submission is: the approve control that asked for it, or, for a form submitted
 * by script or by the Enter key, the form's approve control (unless another of the form's own
 * controls asked). A bad selector matches nothing (validation refuses it).
 */
export function findApproval<S extends { buttons: string }>(screens: readonly S[], control: Element | null, form: HTMLFormElement | null): { screen: S; control: Element } | null {
  for (const screen of screens) {
    try {
      const hit = control?.closest(screen.buttons);
      if (hit) return { screen, control: hit };
      const inForm = form?.querySelector(screen.buttons);
      if (inForm && !(control && form!.contains(control) && control.matches('button,input,a'))) return { screen, control: inForm };
    } catch {
      // next screen
    }
  }
  return null;
}

/** Every document of this tab the page may read: the control's own first, then the same-origin frames from the top. */
function tabDocuments(doc: Document): Document[] {
  const out = [doc];
  const visit = (w: Window) => {
    try {
      if (!out.includes(w.document)) out.push(w.document);
    } catch {
      // another origin
    }
    for (let i = 0; i < w.frames.length; i++) visit(w.frames[i]!);
  };
  if (doc.defaultView?.top) visit(doc.defaultView.top);
  return out;
}

/** The officer's MyKad number ("900101-01-1234" -> "900101011234"): in the container, else the page, else its other frames (a frameset's header). */
export function readOfficer(control: Element, container: Element | null, rule: Pick<ScreenRule, 'officer'>): string | null {
  for (const place of [container, ...tabDocuments(control.ownerDocument)]) {
    const el = place?.querySelector(rule.officer);
    const digits = el ? valueOf(el).replace(/\D/g, '') : '';
    if (digits.length === 12) return digits;
  }
  return null;
}

/** What to sign for a click on `control`, or why nothing can be: each field found exactly once inside the container. */
export function readJob(control: Element, rule: ScreenRule): JobInput {
  const box = containerOf(control, rule);
  const nric = readOfficer(control, box, rule);
  if (!nric) return { kind: 'refused', problem: 'no_officer' };
  if (!box) return { kind: 'refused', problem: 'no_document' };
  const fields: Record<string, string> = {};
  for (const name in rule.fields) {
    const found = box.querySelectorAll(rule.fields[name]!);
    const label = rule.labels?.[name] ?? name;
    if (found.length > 1) return { kind: 'refused', problem: 'ambiguous_document', detail: label };
    if (!found[0]) return { kind: 'refused', problem: name === rule.idField ? 'no_document' : 'field_missing', detail: label };
    fields[name] = valueOf(found[0]);
  }
  if (!fields[rule.idField]?.trim()) return { kind: 'refused', problem: 'no_document' };
  const { labels, idField, amountField, payeeField, title } = rule;
  return { kind: 'page', nric, document: { fields, idField, ...(labels && { labels }), ...(amountField && { amountField }), ...(payeeField && { payeeField }), ...(title && { title }) } };
}
