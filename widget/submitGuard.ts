import { snapshotForm, type FormSnapshot } from './formSnapshot.js';

/**
 * Signs at submission time (issue 8, "the page's own confirmations come first"): the approve
 * click reaches the page untouched, its handlers and its `confirm()` run, and only the submission
 * that follows is held: a submit event (buttons, image buttons, the Enter key), `form.submit()`
 * (from a handler, a `javascript:` link, `__doPostBack`), a `fetch` or `XMLHttpRequest` made by
 * the click, or a link followed. RoamSign signs, then the submission goes on as it was asked for
 * (./formSnapshot.ts) with the signature fields added; or nothing is sent at all.
 * Runs in the page's main world (the widget; the extension's main-world script).
 */

/** The fields to add; 'pass': not an approval (or a token officer), send it as it was; 'stop': send nothing. */
export type SignOutcome = [string, string][] | 'pass' | 'stop';

/** One submission, as the guard saw it when it was asked for (issue 18: the control is the one the officer activated). */
export interface Submission {
  form: HTMLFormElement | null;
  /** The submit event's submitter (a button, an image button, the Enter key's default button). */
  submitter: Element | null;
  /** What the officer last activated in this window (pointer, key or click), while it is current. */
  activation: Element | null;
  /** The form's data set at submission time (forms only; read on first use, in the same task). */
  readonly data: FormData | null;
}

export interface GuardHooks {
  /** Whether a submission must wait for `sign` (cheap and synchronous: other submissions are never delayed). */
  claims(s: Submission): boolean;
  /** `carry()` is false when the request has no way to carry the signature fields (asked once the helpers are there). */
  sign(s: Submission, carry: () => boolean): Promise<SignOutcome>;
  /** Posts a form's snapshot with the fields (./formSnapshot.ts postSnapshot; loaded with the helpers). */
  post(snapshot: FormSnapshot, extra: [string, string][], submit: (this: HTMLFormElement) => void): void;
  /** Whether a fetch/XHR body can carry the fields, and the body with them (./requestBody.ts, loaded with the helpers). */
  canCarry(body: Body): boolean;
  withFields(body: Body, extra: [string, string][]): Body;
}

type Body = BodyInit | Document | null | undefined;
type Win = Window & typeof globalThis;

/** What other guards of this window (./popupGuard.ts) use. */
export interface Guard {
  /** The officer's current activation in this window, if any. */
  activation(): Element | null;
  /** Holds a form's submission if it is an approval (signed, then its snapshot posted); false: not held. */
  holdForm(form: HTMLFormElement, submitter: Element | null, act: Element | null): boolean;
  /** Whether a submission is held now. */
  holding(): boolean;
  /** Runs `then` once the held submission ends (true: it was sent). */
  afterHold(then: (sent: boolean) => void): void;
}

/**
 * How long an activation stays the officer's after its own task has ended. A `javascript:` link
 * runs in a later task than its click, and some pages submit from a timer (WebForms AutoPostBack's
 * setTimeout) or after a short fetch; a new activation replaces it at once, and a held submission
 * uses it up.
 */
const ACTIVATION_MS = 2000;

/**
 * Installs the guard in `win` (capture listeners for the officer's activations, the submit event,
 * HTMLFormElement.prototype.submit, fetch, XMLHttpRequest, links); returns what ./popupGuard.ts uses.
 */
export function guardSubmissions(win: Win, hooks: GuardHooks): Guard {
  let last: Element | null = null;
  let since = 0;
  let held = false;
  let after: ((sent: boolean) => void)[] = [];
  const activate = (e: Event) => {
    last = e.target as Element;
    since = 0; // still in the activation's own task (a confirm() may keep it there for long)
    setTimeout(() => (since = Date.now()));
  };
  // Capture, before the page's handlers: a pointer, a key (Enter on a focused link or button) or a
  // click (also one a script makes with element.click()).
  for (const type of ['pointerdown', 'keydown', 'click']) win.addEventListener(type, activate, true);
  const activation = () => (last && (!since || Date.now() - since < ACTIVATION_MS) ? last : null);

  const F = win.HTMLFormElement.prototype;
  const submit = F.submit;

  /** A submission, with the form's snapshot taken on first use (it must be taken while the submission is being asked for). */
  function submission(form: HTMLFormElement, submitter: Element | null, act: Element | null) {
    let snapshot: FormSnapshot | undefined;
    const snap = () => (snapshot ??= snapshotForm(form, submitter));
    const s: Submission = {
      form,
      submitter,
      activation: act,
      get data() {
        return snap().data;
      },
    };
    return { s, snap };
  }

  const plain = (act: Element | null): Submission => ({ form: null, submitter: null, activation: act, data: null });

  const hold = (s: Submission, go: (extra: [string, string][]) => void, stop = () => undefined as void, carry = () => true) => {
    last = null;
    held = true;
    const end = (sent: boolean) => {
      held = false;
      after.splice(0).forEach((then) => then(sent));
    };
    return hooks.sign(s, carry).then(
      (r) => (r === 'stop' ? (stop(), end(false)) : (go(r === 'pass' ? [] : r), end(true))),
      () => (stop(), end(false)),
    );
  };

  /** Holds a form submission if it is an approval, and posts its snapshot after signing. */
  function holdForm(form: HTMLFormElement, submitter: Element | null, act = activation()): boolean {
    const { s, snap } = submission(form, submitter, act);
    if (!hooks.claims(s)) return false;
    const snapshot = snap();
    void hold(s, (extra) => hooks.post(snapshot, extra, submit));
    return true;
  }

  // Bubble phase: after the page's own onsubmit checks; a submission they cancelled is left alone.
  win.addEventListener('submit', (e) => {
    if (!e.defaultPrevented && holdForm(e.target as HTMLFormElement, (e as SubmitEvent).submitter)) e.preventDefault();
  });

  F.submit = function (this: HTMLFormElement) {
    if (!holdForm(this, null)) submit.call(this);
  };

  // A link the approve click follows (after the page's handlers): the signature travels in its query.
  win.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a[href]') as HTMLAnchorElement | null;
    const href = a?.getAttribute('href') ?? '#';
    if (!a || e.defaultPrevented || /^(#|javascript:)/i.test(href)) return;
    const s = plain(a);
    if (!hooks.claims(s)) return;
    e.preventDefault();
    void hold(s, (extra) => {
      const url = new URL(a.href);
      extra.forEach(([k, v]) => url.searchParams.append(k, v));
      win.location.assign(url);
    });
  });

  const fetch0 = win.fetch;
  win.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
    const s = plain(activation());
    const method = (init?.method ?? (input instanceof win.Request ? input.method : 'GET')).toUpperCase();
    if (method === 'GET' || method === 'HEAD' || !s.activation || !hooks.claims(s)) return fetch0.call(win, input, init);
    const carry = () => hooks.canCarry(init?.body) && !(input instanceof win.Request && input.body && !init?.body);
    return new Promise<Response>((resolve, reject) =>
      hold(s, (extra) => resolve(fetch0.call(win, input, { ...init, method, body: hooks.withFields(init?.body, extra) as BodyInit })), () => reject(new TypeError('RoamSign')), carry),
    );
  };

  const X = win.XMLHttpRequest.prototype;
  const open = X.open;
  const send = X.send;
  const opened = new WeakMap<XMLHttpRequest, [string, boolean]>();
  X.open = function (this: XMLHttpRequest, method: string, url: string | URL, async?: boolean) {
    opened.set(this, [String(method).toUpperCase(), async !== false]);
    return open.apply(this, arguments as unknown as Parameters<typeof open>);
  } as typeof open;
  X.send = function (this: XMLHttpRequest, body?: Body) {
    const s = plain(activation());
    const [method, async] = opened.get(this) ?? ['GET', true];
    if (method === 'GET' || method === 'HEAD' || !s.activation || !hooks.claims(s)) return send.call(this, body as XMLHttpRequestBodyInit);
    const fail = () => ['error', 'loadend'].forEach((type) => this.dispatchEvent(new ProgressEvent(type)));
    // A synchronous request cannot wait for the officer: refused, and the page sees a network error.
    if (!async) {
      void hooks.sign(s, () => false);
      throw new DOMException('RoamSign', 'NetworkError');
    }
    void hold(s, (extra) => send.call(this, hooks.withFields(body, extra) as XMLHttpRequestBodyInit), fail, () => hooks.canCarry(body));
  };

  return { activation, holdForm, holding: () => held, afterHold: (then) => after.push(then) };
}
