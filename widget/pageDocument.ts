import { MAX_BATCH_DOCUMENTS } from '../shared/batchLimit.js';
import type { ScreenRule } from '../shared/siteRules.js';
import type { JobInput, PageDocument } from '../shared/widgetProtocol.js';
import type { Submission } from './submitGuard.js';

// Reads the document from where the officer clicked (DESIGN.md "What you see is what you sign"):
// the clicked control's container, never the first match elsewhere on the page.

const valueOf = (el: Element) => ('value' in el && typeof (el as HTMLInputElement).value === 'string' ? (el as HTMLInputElement).value : el.textContent ?? '');

/** The only element of the page that matches `selector` (an Oracle-Forms-like current record), else null. */
function onlyMatch(doc: Document, selector: string): Element | null {
  const all = doc.querySelectorAll(selector);
  return all.length === 1 ? all[0]! : null;
}

/**
 * The rule's container closest to the control, else the one element of the page that matches it
 * (a toolbar button acting on the current record); by default the control's form, else its row,
 * fieldset or section.
 */
export function containerOf(control: Element, rule: Pick<ScreenRule, 'container'>): Element | null {
  if (rule.container) return control.closest(rule.container) ?? onlyMatch(control.ownerDocument, rule.container);
  return (control as HTMLButtonElement).form ?? control.closest('form') ?? control.closest('tr,fieldset,section');
}

/** Which approval a submission is: a control (signed from its container), not one that can be known for certain (refused), or none (not an approval). */
export type Approval<S> = { screen: S; control: Element } | { screen: S; unknown: true } | null;

type Found<S> = Exclude<Approval<S>, null> | 'pass';

/** The controls of `form` that approve: inside it, or outside it and linked by their form attribute. */
function approversOf(form: HTMLFormElement, buttons: string): Element[] {
  return [...form.ownerDocument.querySelectorAll(buttons)].filter((el) => form.contains(el) || (el as HTMLButtonElement).form === form);
}

const quoted = (text: string, value: string) => text.includes(`'${value}'`) || text.includes(`"${value}"`);

/**
 * The approve control the submission itself names, as the back end will read it:
 * - JSF (Mojarra `jsfcljs`, h:commandLink): a field named after the link whose value is the link's id;
 * - ASP.NET WebForms (`__doPostBack(target, argument)`): `__EVENTTARGET` (and `__EVENTARGUMENT`, a
 *   GridView ButtonField's "Lulus$1") as written in the control's href or onclick, or its name.
 * 'other': `__EVENTTARGET` names no approve control (paging, sorting, a search): not an approval.
 */
function namedBy(data: FormData, approvers: Element[]): Element | 'other' | null {
  const jsf = approvers.filter((a) => a.id && data.getAll(a.id).includes(a.id));
  if (jsf.length === 1) return jsf[0]!;
  const target = data.get('__EVENTTARGET');
  if (typeof target !== 'string' || !target) return null;
  const argument = String(data.get('__EVENTARGUMENT') ?? '');
  const hits = approvers.filter((a) => {
    const script = `${a.getAttribute('href') ?? ''} ${a.getAttribute('onclick') ?? ''}`;
    return a.getAttribute('name') === target || (quoted(script, target) && (!argument || quoted(script, argument)));
  });
  return hits.length === 1 ? hits[0]! : hits.length ? null : 'other';
}

/** One screen's verdict on a submission (see findApproval). */
function judge<S extends { buttons: string }>(screen: S, s: Submission): Found<S> | null {
  const hit = (el: Element | null) => el?.closest(screen.buttons) ?? null;
  const found = (control: Element) => ({ screen, control });
  // The browser's own word: the submit button (or image button) that submitted the form.
  if (s.submitter) return hit(s.submitter) ? found(hit(s.submitter)!) : 'pass';
  const activated = hit(s.activation);
  if (!s.form) return activated ? found(activated) : null;
  // A control of another window (a confirmation popup submitting its opener's form) is the only one there is.
  if (activated && activated.ownerDocument !== s.form.ownerDocument) return found(activated);
  const approvers = approversOf(s.form, screen.buttons);
  const named = s.data ? namedBy(s.data, approvers) : null;
  if (named === 'other') return 'pass';
  if (named) return activated && activated !== named ? { screen, unknown: true } : found(named);
  if (activated) return found(activated);
  if (s.activation) {
    // The officer activated something that does not approve: the page's own action (a pager, a row
    // click, a Save button). A form with one approve control keeps the old reading for a click on
    // plain text or a cell: that control's document.
    return approvers.length === 1 && !s.activation.matches('button,input,a') ? found(approvers[0]!) : 'pass';
  }
  // Submitted by script with no activation: certain only when the form has one approve control.
  if (approvers.length === 1) return found(approvers[0]!);
  return approvers.length ? { screen, unknown: true } : null;
}

/**
 * Which approval a submission is (issue 18: the control is the one the officer activated,
 * whatever starts the submission): the submitter; else the control the submission names (WebForms,
 * JSF); else the officer's activation (click, key) when it is an approve control; else, for a form
 * submitted by script, the form's only approve control. Where it cannot be known for certain (several
 * approve controls, no activation, or an activation the submission contradicts): `unknown`, and the
 * dialog refuses. Never the first match. A bad selector matches nothing (validation refuses it).
 */
export function findApproval<S extends { buttons: string }>(screens: readonly S[], s: Submission): Approval<S> {
  let unknown: Approval<S> = null;
  for (const screen of screens) {
    let verdict: Found<S> | null = null;
    try {
      verdict = judge(screen, s);
    } catch {
      // next screen
    }
    if (verdict && verdict !== 'pass' && 'control' in verdict) return verdict;
    if (verdict && verdict !== 'pass') unknown ??= verdict;
  }
  return unknown;
}

/** Every document of this tab the page may read: the control's own first, then the same-origin frames from the top, then a popup's opener's. */
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
  const win = doc.defaultView;
  if (win?.top) visit(win.top);
  // A confirmation popup (window.open) shows the document; the officer is often only on the opener.
  const opener = win?.top?.opener as Window | null | undefined;
  if (opener) {
    try {
      if (opener.top) visit(opener.top);
    } catch {
      // another origin
    }
  }
  return out;
}

/** The officer's MyKad number ("900101-01-1234" -> "900101011234"): in the container, else the page, else its other frames (a frameset's header), else a popup's opener. */
export function readOfficer(control: Element, container: Element | null, rule: Pick<ScreenRule, 'officer'>): string | null {
  for (const place of [container, ...tabDocuments(control.ownerDocument)]) {
    const el = place?.querySelector(rule.officer);
    const digits = el ? valueOf(el).replace(/\D/g, '') : '';
    if (digits.length === 12) return digits;
  }
  return null;
}

type Refusal = Extract<JobInput, { kind: 'refused' }>;

/** One document's fields inside `box`: each found exactly once. */
function readDocument(box: Element, rule: ScreenRule): PageDocument | Refusal {
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
  return { fields, idField, ...(labels && { labels }), ...(amountField && { amountField }), ...(payeeField && { payeeField }), ...(title && { title }) };
}

/** Whether the officer can see `el` (not display:none, not in a closed or hidden part, not visibility:hidden). */
function shown(el: Element): boolean {
  const check = (el as Element & { checkVisibility?(o: object): boolean }).checkVisibility;
  if (check) return check.call(el, { visibilityProperty: true, checkVisibilityCSS: true });
  return el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
}

/**
 * The selected rows of a batch screen, read in the page's order (kelulusan pukal, issue 18). Refused
 * when nothing is selected, when more are selected than one request may sign, and when a selected
 * row is not shown (another page of a paged table, a hidden part): the officer signs only what
 * they can see, and the refusal names those documents.
 */
function readBatch(control: Element, rule: ScreenRule & { batch: NonNullable<ScreenRule['batch']> }, nric: string): JobInput {
  const area = rule.container ? containerOf(control, rule) : ((control as HTMLButtonElement).form ?? control.closest('form') ?? control.ownerDocument.documentElement);
  if (!area) return { kind: 'refused', problem: 'no_document' };
  const { rows, selected } = rule.batch;
  const chosen = [...area.querySelectorAll(rows)].filter((row) => row.matches(selected) || row.querySelector(selected));
  if (!chosen.length) return { kind: 'refused', problem: 'nothing_selected' };
  if (chosen.length > MAX_BATCH_DOCUMENTS) return { kind: 'refused', problem: 'too_many_documents', detail: String(chosen.length) };
  const documents: PageDocument[] = [];
  const hidden: string[] = [];
  for (const row of chosen) {
    const read = readDocument(row, rule);
    if ('kind' in read) return read;
    documents.push(read);
    if (!shown(row)) hidden.push(read.fields[rule.idField]!.trim());
  }
  if (hidden.length) {
    const list = hidden.join(', ');
    return { kind: 'refused', problem: 'hidden_selected', detail: list.length > 100 ? `${list.slice(0, 90)}… (${hidden.length})` : list };
  }
  return documents.length === 1 ? { kind: 'page', nric, document: documents[0]! } : { kind: 'pages', nric, documents };
}

/** What to sign for a click on `control`, or why nothing can be: each field found exactly once inside the container (each selected row, for a batch). */
export function readJob(control: Element, rule: ScreenRule): JobInput {
  const box = containerOf(control, rule);
  const nric = readOfficer(control, box, rule);
  if (!nric) return { kind: 'refused', problem: 'no_officer' };
  if (rule.batch) return readBatch(control, rule as ScreenRule & { batch: NonNullable<ScreenRule['batch']> }, nric);
  if (!box) return { kind: 'refused', problem: 'no_document' };
  const read = readDocument(box, rule);
  return 'kind' in read ? read : { kind: 'page', nric, document: read };
}
