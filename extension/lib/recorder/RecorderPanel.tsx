import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { screenRuleSchema } from '../../../shared/schemas/systemRules.js';
import type { BatchRule, ScreenRule, SystemDefinition } from '../../../shared/siteRules.js';
import type { PartialSettings } from '../settings.js';
import { STRINGS } from '../strings.js';
import { addScreen } from './addScreen.js';
import { previewControl, previewPage, type ControlPreview } from './previewRule.js';
import { documentBoxes, fieldLabel, fieldName, guessRoles, proposeBatch, proposeButtons, proposeContainer, proposeField, proposeOfficer, screenPattern, type PickedField } from './proposeRule.js';

// The rule recorder's panel (issue 18 part 5), shown on the live legacy screen in a shadow root:
// the IT officer clicks the approve control, the officer's number and each field; the panel
// proposes the rule, previews what every approve control would sign (as the dialog shows it),
// tests a click, saves the screen into the extension's settings and exports the JSON. While it
// records, its clicks never reach the page (nothing is submitted).

export interface RecorderDeps {
  lang: 'ms' | 'en';
  /** The systems in force (policy's, local, built-in) and which are set by policy. */
  systems: SystemDefinition[];
  managedIds: string[];
  readLocal(): Promise<PartialSettings>;
  writeLocal(settings: PartialSettings): Promise<void>;
}

type Step = 'button' | 'officer' | 'select' | 'fields' | 'test';
const TICK = 'input[type=checkbox],input[type=radio]';
type Field = PickedField & { el: Element };

const clean = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
const valueOf = (el: Element) => ('value' in el && typeof (el as HTMLInputElement).value === 'string' ? (el as HTMLInputElement).value : (el.textContent ?? ''));

/** The clicked element as a control: the link, button or image button around what was hit. */
const asControl = (el: Element) => el.closest('a,button,input[type=submit],input[type=image],input[type=button],[role=button],[onclick]') ?? el;
/** The clicked element as a field: down to the only child holding the same text (a cell's <span>). */
function asField(el: Element): Element {
  let at = el;
  while (at.children.length === 1 && clean(at.children[0]!.textContent) === clean(at.textContent) && !('value' in at)) at = at.children[0]!;
  return at;
}

const STYLE = `
:host { all: initial; }
.panel { position: fixed; right: 12px; bottom: 12px; width: 400px; max-height: 86vh; overflow: auto; z-index: 2147483646; background: #fff; color: #1b1b1b;
  font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; border: 2px solid #0b3d6e; border-radius: 8px; box-shadow: 0 6px 24px rgba(0,0,0,.3); padding: 10px 12px; }
h2 { font-size: 15px; margin: 0 0 6px; color: #0b3d6e; } h3 { font-size: 13px; margin: 10px 0 4px; }
.step { background: #fff7e0; border-left: 4px solid #f2a900; padding: 6px 8px; margin: 6px 0; }
button { font: inherit; padding: 4px 10px; border-radius: 6px; border: 2px solid #0b3d6e; background: #fff; color: #0b3d6e; cursor: pointer; }
button.primary { background: #0b3d6e; color: #fff; }
.row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
input, select, textarea { font: inherit; border: 1px solid #8a94a3; border-radius: 4px; padding: 2px 4px; box-sizing: border-box; }
input.name { width: 110px; } input.label { width: 140px; }
textarea { width: 100%; font: 12px ui-monospace, Menlo, Consolas, monospace; }
code { font: 12px ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
ol { padding-left: 20px; margin: 4px 0; } li { margin: 4px 0; }
li.tested { outline: 3px solid #f2a900; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 8px; margin: 2px 0; } dt { color: #4a5565; } dd { margin: 0; font-weight: 600; }
.hover { position: fixed; pointer-events: none; z-index: 2147483645; border: 2px dashed #b00020; box-sizing: border-box; }
.bad { color: #b00020; } .ok { color: #1e7b34; font-weight: 600; } .small { font-size: 12px; color: #4a5565; }
`;

/** Marks elements of the page with an outline (restored when the panel closes). */
function useMarks() {
  const marked = useRef(new Map<HTMLElement, string>());
  return {
    set(els: Element[], color: string) {
      for (const [el, old] of marked.current) el.style.outline = old;
      marked.current.clear();
      for (const el of els) {
        if (!(el instanceof HTMLElement) || marked.current.has(el)) continue;
        marked.current.set(el, el.style.outline);
        el.style.outline = `3px solid ${color}`;
      }
    },
    clear() {
      for (const [el, old] of marked.current) el.style.outline = old;
      marked.current.clear();
    },
  };
}

function DocumentView({ preview, s }: { preview: ControlPreview; s: (typeof STRINGS)['ms' | 'en'] }) {
  if (preview.refusal) return <p class="bad">{preview.refusal}</p>;
  return (
    <>
      {preview.documents.map((d) => (
        <div class="doc">
          <div>
            <strong class="doc-id">{d.id}</strong>{' '}
            <span class="small">
              {s.recDigest} <code>{d.digest.slice(0, 16)}…</code>
            </span>
          </div>
          <dl>
            {d.rows.map((r) => (
              <>
                <dt>{r.label}</dt>
                <dd data-field={r.name}>{r.value}</dd>
              </>
            ))}
          </dl>
        </div>
      ))}
    </>
  );
}

function Recorder({ deps, host, close }: { deps: RecorderDeps; host: HTMLElement; close(): void }) {
  const s = STRINGS[deps.lang];
  const doc = host.ownerDocument;
  const [step, setStep] = useState<Step>('button');
  const [control, setControl] = useState<Element | null>(null);
  const [buttons, setButtons] = useState('');
  const [container, setContainer] = useState<string | undefined>(undefined);
  const [officer, setOfficer] = useState<{ el: Element; selector: string } | null>(null);
  // Kelulusan pukal: one approve control for the ticked rows.
  const [batchOn, setBatchOn] = useState(false);
  const [batch, setBatch] = useState<BatchRule | undefined>(undefined);
  const [fields, setFields] = useState<Field[]>([]);
  const [roles, setRoles] = useState<Pick<ScreenRule, 'idField' | 'amountField' | 'payeeField'>>({ idField: '' });
  const [title, setTitle] = useState(clean(doc.title).slice(0, 100));
  const [edited, setEdited] = useState<string | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [tested, setTested] = useState<ControlPreview | null>(null);
  const [systemId, setSystemId] = useState(deps.systems.find((x) => x.allowedOrigins.includes(doc.location.origin))?.id ?? '');
  const [known, setKnown] = useState(deps.systems);
  const [tick, setTick] = useState(0); // the page changed (a test click, a tick box): preview again
  const marks = useMarks();

  // The rule as proposed from the picks; the administrator's edit of the JSON wins while it is valid.
  const proposed: ScreenRule | null = useMemo(() => {
    if (!buttons || !officer || !fields.length) return null;
    const labels = Object.fromEntries(fields.filter((f) => f.label && f.label !== f.name).map((f) => [f.name, f.label]));
    return {
      matches: [screenPattern(doc.location)],
      buttons,
      officer: officer.selector,
      ...(container ? { container } : {}),
      fields: Object.fromEntries(fields.map((f) => [f.name, f.selector])),
      ...(Object.keys(labels).length ? { labels } : {}),
      idField: roles.idField,
      ...(roles.amountField ? { amountField: roles.amountField } : {}),
      ...(roles.payeeField ? { payeeField: roles.payeeField } : {}),
      ...(title ? { title } : {}),
      ...(batch ? { batch } : {}),
    };
  }, [buttons, officer, fields, roles, title, container, batch]);
  const parsedEdit = useMemo(() => {
    if (edited === null) return null;
    try {
      const result = screenRuleSchema.safeParse(JSON.parse(edited));
      return result.success ? { rule: result.data as ScreenRule, errors: [] } : { rule: null, errors: result.error.issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`) };
    } catch (e) {
      return { rule: null, errors: [(e as Error).message] };
    }
  }, [edited]);
  const problems = parsedEdit ? parsedEdit.errors : proposed ? (() => {
    const r = screenRuleSchema.safeParse(proposed);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`);
  })() : [];
  const rule = parsedEdit ? parsedEdit.rule : problems.length ? null : proposed;
  const previews = useMemo(() => (rule ? previewPage(doc, rule, deps.lang) : []), [rule, tick]);

  // The page's elements the rule reads: approve controls, officer, every field of every row.
  useEffect(() => {
    const els: Element[] = [];
    if (control) els.push(control);
    if (officer) els.push(officer.el);
    for (const f of fields) els.push(f.el);
    if (rule) {
      try {
        els.push(...doc.querySelectorAll(rule.buttons));
        for (const box of documentBoxes(control ?? doc.body, rule.buttons, rule.container, rule.batch)) for (const sel of Object.values(rule.fields)) els.push(...box.querySelectorAll(sel));
      } catch {
        // a selector being typed
      }
    }
    marks.set(els, '#f2a900');
  }, [control, officer, fields, rule]);
  useEffect(() => () => marks.clear(), []);

  // Picking: the page gets none of these clicks while a step picks; in the test step, only approve controls are held.
  const picker = useRef<(el: Element) => void>(() => undefined);
  picker.current = (hit: Element) => {
    setNote(null);
    if (step === 'button') {
      const c = asControl(hit);
      const sel = proposeButtons(c);
      const box = proposeContainer(c, sel);
      setControl(c);
      setButtons(sel);
      setContainer(box);
      // One control and tick boxes in its form: most likely a batch screen (the administrator can say otherwise).
      const area = (c as HTMLButtonElement).form ?? c.closest('form') ?? doc;
      setBatchOn(!box && area.querySelectorAll(TICK).length >= 2);
      setStep('officer');
    } else if (step === 'officer') {
      if (valueOf(hit).replace(/\D/g, '').length !== 12) {
        setNote({ ok: false, text: s.recNoOfficer });
        return;
      }
      setOfficer({ el: hit, selector: proposeOfficer(hit) });
      setStep(batchOn ? 'select' : 'fields');
    } else if (step === 'select') {
      const tick = hit.matches(TICK) ? hit : hit.closest('label')?.querySelector(TICK);
      const proposal = tick ? proposeBatch(tick) : null;
      if (!proposal) {
        setNote({ ok: false, text: s.recNoBatch });
        return;
      }
      setBatch(proposal);
      setStep('fields');
    } else if (step === 'fields' && control) {
      const el = asField(hit);
      if (fields.some((f) => f.el === el)) return;
      const boxes = documentBoxes(control, buttons, container, batch);
      const selector = proposeField(el, boxes);
      if (!selector) {
        setNote({ ok: false, text: s.recNotInRow });
        return;
      }
      const label = fieldLabel(el);
      const name = fieldName(el, label, fields.map((f) => f.name));
      const next = [...fields, { el, name, label: label || name, selector, sample: valueOf(el) }];
      setFields(next);
      setRoles(guessRoles(next));
      setEdited(null);
    }
  };
  const stepRef = useRef(step);
  stepRef.current = step;
  const ruleRef = useRef(rule);
  ruleRef.current = rule;
  useEffect(() => {
    const hold = (e: Event) => {
      if (e.target === host) return;
      const target = e.target instanceof Element ? e.target : null;
      if (!target) return;
      if (stepRef.current === 'test') {
        const r = ruleRef.current;
        let hit: Element | null = null;
        try {
          hit = r ? target.closest(r.buttons) : null;
        } catch {
          hit = null;
        }
        if (!hit) {
          if (e.type === 'click') setTimeout(() => setTick((n) => n + 1), 0); // a tick box, a pager: preview again
          return;
        }
        e.preventDefault();
        e.stopImmediatePropagation();
        if (e.type === 'click') setTested(previewControl(hit, r!, deps.lang));
        return;
      }
      e.preventDefault();
      e.stopImmediatePropagation();
      if (e.type === 'click') picker.current(target);
    };
    // While a step picks, the element under the pointer is framed, so the administrator sees what a click takes.
    const frame = host.shadowRoot!.querySelector('.hover') as HTMLElement;
    const hover = (e: Event) => {
      const target = e.target instanceof Element && e.target !== host && stepRef.current !== 'test' ? e.target : null;
      frame.hidden = !target;
      if (!target) return;
      const r = target.getBoundingClientRect();
      Object.assign(frame.style, { left: `${r.left - 2}px`, top: `${r.top - 2}px`, width: `${r.width + 4}px`, height: `${r.height + 4}px` });
    };
    const types = ['click', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick', 'submit'];
    for (const type of types) doc.defaultView!.addEventListener(type, hold, true);
    doc.defaultView!.addEventListener('mouseover', hover, true);
    return () => {
      for (const type of types) doc.defaultView!.removeEventListener(type, hold, true);
      doc.defaultView!.removeEventListener('mouseover', hover, true);
    };
  }, []);

  async function save() {
    if (!rule) return;
    const result = addScreen(await deps.readLocal(), deps.systems, systemId.trim(), rule, doc.location.origin);
    if (!result.ok) {
      setNote({ ok: false, text: `${s.recInvalid}: ${result.errors.join('; ')}` });
      return;
    }
    await deps.writeLocal(result.value);
    const saved = result.value.systems!.find((x) => x.id === systemId.trim())!;
    setKnown([saved, ...known.filter((x) => x.id !== saved.id)]);
    const managed = deps.managedIds.includes(systemId.trim());
    setNote({ ok: !managed, text: managed ? s.recManaged : s.recSaved.replace('{system}', systemId.trim()) });
  }

  const exported = rule ? JSON.stringify(rule, null, 2) : '';
  // For managed policy: the whole system with this screen (a system given by policy replaces one of its id whole).
  const id = systemId.trim();
  const withScreen = rule && id ? addScreen({}, known, id, rule, doc.location.origin) : null;
  const forPolicy = rule
    ? JSON.stringify(
        withScreen?.ok ? withScreen.value.systems![0] : { id: id || 'sistem-baharu', names: { ms: id || STRINGS.ms.recNewSystem, en: id || STRINGS.en.recNewSystem }, allowedOrigins: [doc.location.origin], screens: [rule] },
        null,
        2,
      )
    : '';
  function download() {
    const blob = new Blob([JSON.stringify({ screen: rule, system: JSON.parse(forPolicy) }, null, 2)], { type: 'application/json' });
    const a = doc.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `roamsign-skrin-${doc.location.hostname}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  const restart = () => {
    setStep('button');
    setControl(null);
    setButtons('');
    setContainer(undefined);
    setOfficer(null);
    setBatchOn(false);
    setBatch(undefined);
    setFields([]);
    setRoles({ idField: '' });
    setEdited(null);
    setTested(null);
    setNote(null);
  };
  const rename = (i: number, key: 'name' | 'label', value: string) => {
    const next = fields.map((f, j) => (j === i ? { ...f, [key]: value } : f));
    setFields(next);
    if (key === 'name') {
      const old = fields[i]!.name;
      const swap = (n?: string) => (n === old ? value : n);
      setRoles({ idField: swap(roles.idField) ?? '', amountField: swap(roles.amountField), payeeField: swap(roles.payeeField) });
    }
    setEdited(null);
  };
  const roleSelect = (id: string, key: 'idField' | 'amountField' | 'payeeField', label: string) => (
    <label class="row">
      {label}
      <select id={id} value={roles[key] ?? ''} onChange={(e) => setRoles({ ...roles, [key]: (e.currentTarget as HTMLSelectElement).value || undefined } as typeof roles)}>
        {key !== 'idField' && <option value="">{s.recNone}</option>}
        {fields.map((f) => (
          <option value={f.name}>{f.label}</option>
        ))}
      </select>
    </label>
  );

  const stepText = { button: s.recStepButton, officer: s.recStepOfficer, select: s.recStepSelect, fields: s.recStepFields, test: s.recStepTest }[step];
  const toggleBatch = (on: boolean) => {
    setBatchOn(on);
    setBatch(undefined);
    if (step === 'select' && !on) setStep('fields');
    if (step === 'fields' && on) setStep('select');
  };
  return (
    <>
    <div class="hover" hidden />
    <div class="panel" role="dialog" aria-label={s.recTitle} lang={deps.lang}>
      <style>{STYLE}</style>
      <h2>{s.recTitle}</h2>
      <p class="step" id="rec-step" data-step={step}>
        {stepText}
      </p>
      {note && (
        <p id="rec-note" class={note.ok ? 'ok' : 'bad'} role="status">
          {note.text}
        </p>
      )}
      {['officer', 'select', 'fields'].includes(step) && !fields.length && (
        <label class="row">
          <input type="checkbox" id="rec-batch" checked={batchOn} onChange={(e) => toggleBatch((e.currentTarget as HTMLInputElement).checked)} />
          {s.recBatch}
        </label>
      )}
      <div class="row">
        {step === 'fields' && (
          <button type="button" id="rec-done" class="primary" disabled={!fields.length} onClick={() => setStep('test')}>
            {s.recDone}
          </button>
        )}
        <button type="button" id="rec-restart" onClick={restart}>
          {s.recRestart}
        </button>
        <button type="button" id="rec-close" onClick={close}>
          {s.recClose}
        </button>
      </div>
      {tested && (
        <div id="rec-tested">
          <h3>{s.recTested}</h3>
          <DocumentView preview={tested} s={s} />
        </div>
      )}
      {fields.length > 0 && (
        <>
          <h3>{s.recField}</h3>
          {fields.map((f, i) => (
            <div class="row field" data-index={i}>
              <input class="name" aria-label={s.recName} value={f.name} onChange={(e) => rename(i, 'name', (e.currentTarget as HTMLInputElement).value.trim())} />
              <input class="label" aria-label={s.recLabel} value={f.label} onChange={(e) => rename(i, 'label', (e.currentTarget as HTMLInputElement).value)} />
              <button type="button" onClick={() => { const next = fields.filter((_, j) => j !== i); setFields(next); setRoles(guessRoles(next)); setEdited(null); }}>
                {s.recRemove}
              </button>
            </div>
          ))}
          {roleSelect('rec-id', 'idField', s.recIdField)}
          {roleSelect('rec-amount', 'amountField', s.recAmountField)}
          {roleSelect('rec-payee', 'payeeField', s.recPayeeField)}
          <label class="row">
            {s.recTitleField}
            <input id="rec-title" value={title} onChange={(e) => setTitle((e.currentTarget as HTMLInputElement).value.trim().slice(0, 100))} />
          </label>
        </>
      )}
      {(proposed || edited !== null) && (
        <>
          <h3>{s.recRule}</h3>
          <textarea id="rec-rule" rows={12} spellcheck={false} value={edited ?? exported} onInput={(e) => setEdited((e.currentTarget as HTMLTextAreaElement).value)} />
          {problems.length > 0 && (
            <p id="rec-problems" class="bad">
              {s.recInvalid}: {problems.join('; ')}
            </p>
          )}
        </>
      )}
      {rule && (
        <>
          <h3>{s.recPreview}</h3>
          <ol id="rec-preview">
            {previews.map((p) => (
              <li class={tested?.control === p.control ? 'tested' : ''}>
                <DocumentView preview={p} s={s} />
              </li>
            ))}
          </ol>
          <div class="row">
            <label class="row">
              {s.recSystem}
              <input id="rec-system" list="rec-systems" value={systemId} onInput={(e) => setSystemId((e.currentTarget as HTMLInputElement).value)} />
            </label>
            <datalist id="rec-systems">
              {known.map((x) => (
                <option value={x.id}>{x.names[deps.lang]}</option>
              ))}
            </datalist>
            <button type="button" id="rec-save" class="primary" disabled={!systemId.trim()} onClick={() => void save()}>
              {s.recSave}
            </button>
            <button type="button" id="rec-export" onClick={download}>
              {s.recExport}
            </button>
          </div>
          <p class="small">{s.recExportHelp}</p>
          <textarea id="rec-system-json" rows={6} readOnly spellcheck={false} value={forPolicy} />
        </>
      )}
    </div>
    </>
  );
}

/** Shows the recorder on `doc` (once: a second call brings back the one there is). */
export function startRecorder(doc: Document, deps: RecorderDeps): void {
  if (doc.querySelector('roamsign-recorder')) return;
  const host = doc.createElement('roamsign-recorder');
  doc.documentElement.appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  const close = () => {
    render(null, root);
    host.remove();
  };
  render(<Recorder deps={deps} host={host} close={close} />, root);
}
