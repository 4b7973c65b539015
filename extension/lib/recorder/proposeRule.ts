import { AMOUNT_PATTERN } from '../../../shared/money.js';
import type { BatchRule, ScreenRule } from '../../../shared/siteRules.js';

// The rule recorder's proposals (issue 18 part 5): from the elements an IT officer clicked on a
// live screen, the selectors of the one rule format (shared/siteRules.ts). Robust ones first: names
// and ids (an ASP.NET or JSF id's stable end), then classes, and positions only as the last resort;
// every proposal is checked against the page (each document's row finds each field exactly once).

const esc = (value: string) => CSS.escape(value);
/** An attribute value, bare when CSS allows it (`[name=noBaucer]`, as the README writes rules), else quoted. */
const attr = (name: string, op: '=' | '$=', value: string) => (/^[A-Za-z_][\w-]*$/.test(value) ? `[${name}${op}${value}]` : `[${name}${op}"${value.replace(/["\\]/g, '\\$&')}"]`);
const tag = (el: Element) => el.localName;
const clean = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
const all = (root: ParentNode, selector: string): Element[] => {
  try {
    return [...root.querySelectorAll(selector)];
  } catch {
    return [];
  }
};

/** The stable end of a generated id or name (`ctl00_gvPesanan_ctl03_lblAmaun` -> `_lblAmaun`, `frm:tbl:2:lulus` -> `:lulus`), or null. */
function stableEnd(value: string): string | null {
  const at = Math.max(value.lastIndexOf('_'), value.lastIndexOf('$'), value.lastIndexOf(':'));
  return at > 0 && at < value.length - 1 ? value.slice(at) : null;
}

/** Classes worth naming: not state (selected, active, hover…) and not the recorder's own marks. */
function stableClasses(el: Element): string[] {
  return [...el.classList].filter((c) => !/^(rs-|roamsign)|^(active|selected|hover|focus|current|semasa|odd|even|alt|highlight)$/i.test(c));
}

/** Selectors that may describe `el`, most robust first (a position is never among them). */
function candidates(el: Element, opts: { exactId: 'first' | 'last' }): string[] {
  const out: string[] = [];
  const id = el.getAttribute('id');
  const name = el.getAttribute('name');
  if (id && opts.exactId === 'first') out.push(`#${esc(id)}`);
  if (name) out.push(attr('name', '=', name), `${tag(el)}${attr('name', '=', name)}`);
  if (name && stableEnd(name)) out.push(`${tag(el)}${attr('name', '$=', stableEnd(name)!)}`);
  if (id && stableEnd(id)) out.push(`${tag(el)}${attr('id', '$=', stableEnd(id)!)}`, attr('id', '$=', stableEnd(id)!));
  for (const c of stableClasses(el)) out.push(`.${esc(c)}`, `${tag(el)}.${esc(c)}`);
  const classes = stableClasses(el);
  if (classes.length > 1) out.push(`${tag(el)}${classes.map((c) => `.${esc(c)}`).join('')}`);
  if (id && opts.exactId === 'last') out.push(`#${esc(id)}`);
  const value = el.getAttribute('value');
  if (value && el.localName === 'input') out.push(`input${attr('value', '=', value)}`);
  return [...new Set(out)];
}

/** A path of positions from `root` down to `el` (`td:nth-child(4) > span`), shortest that finds only `el` in `root`. */
function positionPath(el: Element, root: Element): string | null {
  const steps: string[] = [];
  for (let at: Element | null = el; at && at !== root; at = at.parentElement) {
    const index = at.parentElement ? [...at.parentElement.children].indexOf(at) + 1 : 1;
    steps.unshift(`${tag(at)}:nth-child(${index})`);
    const selector = steps.join(' > ');
    const found = all(root, selector);
    if (found.length === 1 && found[0] === el) return selector;
  }
  return null;
}

/** What a control says (its text, value, alt or title): a repeated control says the same in every row. */
const caption = (el: Element) => clean(el.textContent) || clean(el.getAttribute('value')) || clean(el.getAttribute('alt')) || clean(el.getAttribute('title'));

/**
 * The page's approve controls: a selector that finds the clicked one and its kind in every other
 * row (the same caption, a button, image button or link alike, each alone in its row), else only
 * the clicked one.
 */
export function proposeButtons(control: Element): string {
  const doc = control.ownerDocument;
  const list = candidates(control, { exactId: 'last' });
  const repeated = list.find((sel) => {
    const found = all(doc, sel);
    return found.length > 1 && found.includes(control) && found.every((el) => caption(el) === caption(control) && rowOf(el, found) !== null);
  });
  if (repeated) return repeated;
  const single = [...(control.id ? [`#${esc(control.id)}`] : []), ...list].find((sel) => {
    const found = all(doc, sel);
    return found.length === 1 && found[0] === control;
  });
  return single ?? positionPath(control, doc.documentElement) ?? tag(control);
}

/** The largest ancestor of `el` that holds no other of `peers`: its row. */
function rowOf(el: Element, peers: Element[]): Element | null {
  let row: Element | null = null;
  for (let at = el.parentElement; at && at !== el.ownerDocument.documentElement && at !== el.ownerDocument.body; at = at.parentElement) {
    if (peers.some((p) => p !== el && at.contains(p))) break;
    row = at;
  }
  return row;
}

/**
 * The rule's `container` for controls repeated one per row: a selector of the row (`tr`, `li`, a
 * shared class) whose closest match around every control holds that control alone. Undefined
 * when the controls are not repeated (the default container, the control's form, serves).
 */
export function proposeContainer(control: Element, buttons: string): string | undefined {
  const found = all(control.ownerDocument, buttons);
  if (found.length < 2) return undefined;
  const row = rowOf(control, found);
  if (!row) return undefined;
  const options = [...(['tr', 'li'].includes(tag(row)) ? [tag(row)] : []), ...stableClasses(row).map((c) => `${tag(row)}.${esc(c)}`), tag(row)];
  return options.find((sel) => found.every((el) => {
    const box = el.closest(sel);
    return box !== null && all(box, buttons).length === 1;
  }));
}

/**
 * A batch screen's rows and "selected" test (kelulusan pukal) from one row's tick box: the tick
 * boxes like it (`input[name=pilih]`), each alone in its row; the rows by a class they all share
 * (`tr.dok`), else their tag; selected = that tick box `:checked`. Null when the box is not repeated.
 */
export function proposeBatch(tick: Element): BatchRule | null {
  const doc = tick.ownerDocument;
  const boxes = (sel: string) => all(doc, sel).filter((el) => el.matches('input[type=checkbox],input[type=radio]'));
  const ticks = candidates(tick, { exactId: 'last' })
    .map((sel) => (sel.startsWith('[') ? `${tag(tick)}${sel}` : sel))
    .find((sel) => {
      const found = boxes(sel);
      return found.length > 1 && found.length === all(doc, sel).length && found.includes(tick) && found.every((el) => rowOf(el, found) !== null);
    });
  if (!ticks) return null;
  const found = boxes(ticks);
  const rowsOf = found.map((el) => rowOf(el, found)!);
  const mine = rowsOf[found.indexOf(tick)]!;
  const shared = stableClasses(mine).filter((c) => rowsOf.every((r) => r.classList.contains(c)));
  const rows = [...shared.map((c) => `${tag(mine)}.${esc(c)}`), tag(mine)].find((sel) => found.every((el, i) => el.closest(sel) === rowsOf[i]));
  return rows ? { rows, selected: `${ticks}:checked` } : null;
}

/** Every document's area on the page: the rule's container around each approve control (or the one default container). */
export function documentBoxes(control: Element, buttons: string, container: string | undefined, batch?: BatchRule): Element[] {
  if (batch) return all(control.ownerDocument, batch.rows);
  if (!container) {
    const box = (control as HTMLButtonElement).form ?? control.closest('form') ?? control.closest('tr,fieldset,section');
    return box ? [box] : [];
  }
  const boxes = all(control.ownerDocument, buttons).map((el) => el.closest(container)).filter((b): b is Element => b !== null);
  return [...new Set(boxes)];
}

/**
 * A field's selector inside its document's area: finds exactly `el` in its own box and exactly one
 * element in every other box (so row 2 gives row 2's value); a position only when nothing named does.
 */
export function proposeField(el: Element, boxes: Element[]): string | null {
  const own = boxes.find((b) => b.contains(el));
  if (!own) return null;
  const fits = (sel: string, everywhere: boolean) => {
    const mine = all(own, sel);
    return mine.length === 1 && mine[0] === el && (!everywhere || boxes.every((b) => all(b, sel).length === 1));
  };
  const list = candidates(el, { exactId: boxes.length > 1 ? 'last' : 'first' });
  const path = positionPath(el, own);
  return list.find((sel) => fits(sel, true)) ?? (path && fits(path, true) ? path : null) ?? list.find((sel) => fits(sel, false)) ?? path;
}

/** The officer's MyKad number: a selector that finds only that element on the page. */
export function proposeOfficer(el: Element): string {
  const doc = el.ownerDocument;
  const list = candidates(el, { exactId: 'first' });
  return list.find((sel) => {
    const found = all(doc, sel);
    return found.length === 1 && found[0] === el;
  }) ?? positionPath(el, doc.body) ?? tag(el);
}

/** What the screen calls a field: its <label>, aria-label, its column's header, or the text just before it ("Amaun:"). */
export function fieldLabel(el: Element): string {
  const doc = el.ownerDocument;
  const id = el.getAttribute('id');
  const label = (id && doc.querySelector(`label[for="${CSS.escape(id)}"]`)) || el.closest('label');
  const strip = (s: string | null | undefined) => clean(s).replace(/\s*[:：]\s*$/, '').slice(0, 100);
  if (label && strip(label.textContent)) return strip(label.textContent);
  if (el.getAttribute('aria-label')) return strip(el.getAttribute('aria-label'));
  const cell = el.closest('td,th') as HTMLTableCellElement | null;
  const table = cell?.closest('table') as HTMLTableElement | null;
  if (cell && table) {
    const header = table.tHead?.rows[0] ?? [...table.rows].find((r) => r.cells.length > 0 && [...r.cells].every((c) => c.localName === 'th'));
    const text = header && header !== cell.parentElement ? strip(header.cells[cell.cellIndex]?.textContent) : '';
    if (text) return text;
  }
  const before = el.previousElementSibling ?? cell?.previousElementSibling;
  if (before && /[:：]\s*$/.test(clean(before.textContent)) && clean(before.textContent).length <= 60) return strip(before.textContent);
  const text = el.previousSibling?.nodeType === Node.TEXT_NODE ? clean(el.previousSibling.textContent) : '';
  if (text && text.length <= 60) return strip(text);
  return '';
}

/** A field name (the canonical document's key): the input's name, the id's stable end without its prefix (lblNoPesanan -> noPesanan), a class, else the label in camelCase. */
export function fieldName(el: Element, label: string, taken: readonly string[]): string {
  const ok = (n: string | null | undefined): n is string => !!n && /^[A-Za-z][\w.-]{0,63}$/.test(n);
  const end = (v: string | null) => (v ? (stableEnd(v)?.slice(1) ?? v) : null);
  const unprefixed = (v: string | null) => {
    const e = end(v);
    return e ? e.replace(/^(lbl|txt|lit|lnk|hf|hdn|ddl|ctl)(?=[A-Z])/, '').replace(/^./, (c) => c.toLowerCase()) : null;
  };
  const fromLabel = label
    .normalize('NFD')
    .replace(/[^\w\s]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
  const name = el.getAttribute('name');
  const base = [ok(name) ? name : unprefixed(name), unprefixed(el.getAttribute('id')), stableClasses(el)[0], fromLabel, 'medan'].find(ok)!;
  let out = base;
  for (let i = 2; taken.includes(out); i++) out = `${base}${i}`;
  return out;
}

/** One picked field of the recorder. */
export interface PickedField {
  name: string;
  label: string;
  selector: string;
  /** The value read when it was picked (to guess the amount). */
  sample: string;
}

/** The document number, amount and payee among the picked fields: the first picked is the number; amount and payee by their labels, else the amount by its value. */
export function guessRoles(fields: readonly PickedField[]): Pick<ScreenRule, 'idField' | 'amountField' | 'payeeField'> {
  const byLabel = (re: RegExp) => fields.find((f) => re.test(f.label) || re.test(f.name));
  const amount = byLabel(/amaun|jumlah|amount|nilai|total/i) ?? fields.find((f) => AMOUNT_PATTERN.test(clean(f.sample).replace(/^RM\s*/i, '')));
  const payee = byLabel(/pembekal|penerima|payee|vendor|supplier|syarikat|nama/i);
  const idField = fields[0]?.name ?? '';
  return { idField, ...(amount && amount.name !== idField ? { amountField: amount.name } : {}), ...(payee && payee.name !== idField && payee !== amount ? { payeeField: payee.name } : {}) };
}

/** The URL pattern of the screen: its host (no port: patterns have none) and path, any query. */
export function screenPattern(location: Location): string {
  return `${location.protocol}//${location.hostname}${location.pathname}*`;
}
