/**
 * Signs at submission time (issue 8, "the page's own confirmations come first"): the approve
 * click reaches the page untouched, its handlers and its `confirm()` run, and only the submission
 * that follows is held: a submit event (buttons, image buttons, the Enter key), `form.submit()`,
 * a `fetch` or `XMLHttpRequest` made by the click, or a link followed. RoamSign signs, then the
 * submission goes on with the signature fields added; or nothing is sent at all.
 * Runs in the page's main world (the widget; the extension's main-world script).
 */

/** The fields to add; 'pass': not an approval (or a token officer), send it as it was; 'stop': send nothing. */
export type SignOutcome = [string, string][] | 'pass' | 'stop';

export interface GuardHooks {
  /** Whether a submission must wait for `sign` (cheap and synchronous: other submissions are never delayed). */
  claims(control: Element | null, form: HTMLFormElement | null): boolean;
  /** `carry` is false when the request has no way to carry the signature fields. */
  sign(control: Element | null, form: HTMLFormElement | null, carry: boolean): Promise<SignOutcome>;
  /** Whether a fetch/XHR body can carry the fields, and the body with them (./requestBody.ts, loaded with the helpers). */
  canCarry(body: Body): boolean;
  withFields(body: Body, extra: [string, string][]): Body;
}

type Body = BodyInit | Document | null | undefined;

export function guardSubmissions(win: Window & typeof globalThis, hooks: GuardHooks): void {
  let clicked: Element | null = null;
  let passing = false;
  const hold = (control: Element | null, form: HTMLFormElement | null, go: (extra: [string, string][]) => void, stop: () => void, carry = true) =>
    hooks.sign(control, form, carry).then((r) => (r === 'stop' ? stop() : go(r === 'pass' ? [] : r)), stop);
  const nothing = () => undefined;

  // The control clicked in this task: a fetch, XHR or form.submit() made by its handler belongs to it.
  win.addEventListener(
    'click',
    (e) => {
      clicked = e.target as Element;
      setTimeout(() => (clicked = null));
    },
    true,
  );

  const F = win.HTMLFormElement.prototype;
  const submit = F.submit;
  const post = (form: HTMLFormElement, extra: [string, string][]) => {
    form.querySelectorAll('input[data-roamsign]').forEach((i) => i.remove());
    for (const [name, value] of extra) {
      const input = Object.assign(form.ownerDocument.createElement('input'), { type: 'hidden', name, value });
      input.dataset.roamsign = '';
      form.appendChild(input);
    }
    passing = true;
    try {
      submit.call(form);
    } finally {
      passing = false;
    }
  };

  // Bubble phase: after the page's own onsubmit checks; a submission they cancelled is left alone.
  win.addEventListener('submit', (e) => {
    const form = e.target as HTMLFormElement;
    const by = (e as SubmitEvent).submitter as HTMLInputElement | null;
    if (passing || e.defaultPrevented || !hooks.claims(by ?? clicked, form)) return;
    e.preventDefault();
    // form.submit() sends no submitter: its name and value (often the legacy action) go as hidden fields.
    const own: [string, string][] = !by?.name ? [] : by.type === 'image' ? [[`${by.name}.x`, '0'], [`${by.name}.y`, '0']] : [[by.name, by.value]];
    void hold(by ?? clicked, form, (extra) => post(form, [...own, ...extra]), nothing);
  });

  F.submit = function (this: HTMLFormElement) {
    if (passing || !hooks.claims(clicked, this)) return submit.call(this);
    void hold(clicked, this, (extra) => post(this, extra), nothing);
  };

  // A link the approve click follows (after the page's handlers): the signature travels in its query.
  win.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a[href]') as HTMLAnchorElement | null;
    const href = a?.getAttribute('href') ?? '#';
    if (!a || e.defaultPrevented || /^(#|javascript:)/i.test(href) || !hooks.claims(a, null)) return;
    e.preventDefault();
    void hold(a, null, (extra) => {
      const url = new URL(a.href);
      extra.forEach(([k, v]) => url.searchParams.append(k, v));
      win.location.assign(url);
    }, nothing);
  });

  const fetch0 = win.fetch;
  win.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
    const control = clicked;
    const method = (init?.method ?? (input instanceof win.Request ? input.method : 'GET')).toUpperCase();
    if (method === 'GET' || method === 'HEAD' || !control || !hooks.claims(control, null)) return fetch0.call(win, input, init);
    const carry = hooks.canCarry(init?.body) && !(input instanceof win.Request && input.body && !init?.body);
    return new Promise<Response>((resolve, reject) =>
      hold(control, null, (extra) => resolve(fetch0.call(win, input, { ...init, method, body: hooks.withFields(init?.body, extra) as BodyInit })), () => reject(new TypeError('RoamSign')), carry),
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
    const control = clicked;
    const [method, async] = opened.get(this) ?? ['GET', true];
    if (method === 'GET' || method === 'HEAD' || !control || !hooks.claims(control, null)) return send.call(this, body as XMLHttpRequestBodyInit);
    const fail = () => ['error', 'loadend'].forEach((type) => this.dispatchEvent(new ProgressEvent(type)));
    // A synchronous request cannot wait for the officer: refused, and the page sees a network error.
    if (!async) {
      void hooks.sign(control, null, false);
      throw new DOMException('RoamSign', 'NetworkError');
    }
    void hold(control, null, (extra) => send.call(this, hooks.withFields(body, extra) as XMLHttpRequestBodyInit), fail, hooks.canCarry(body));
  };
}
