import type { DocumentSignature } from '../shared/schemas/signingRequest.js';
import type { ScreenRule } from '../shared/siteRules.js';
import type { FrameMessage, JobInput, LoaderMessage, SignDocument, WidgetErrorCode } from '../shared/widgetProtocol.js';
import type { PageHelpers } from './page.js';
import { guardSubmissions } from './submitGuard.js';

// The only RoamSign code every approve screen runs. It holds an approval's submission, has the
// clicked document's fields read (page.js, loaded beside the frame) and hands them to the dialog in
// RoamSign's own iframe, which shows them, hashes exactly them and takes PIN + OTP (the page never
// sees either). Screen rules come from the server through the frame; data-* attributes and
// RoamSign.configure() set or override them. Framework-free and small.

type SignResult = { requestId: string; signatures: DocumentSignature[] };

type RoamSignWidgetError = Error & { code: WidgetErrorCode };
/** What RoamSign.sign() rejects with: an Error named RoamSignError with an error code. */
const fault = (code: WidgetErrorCode, message = 'RoamSign'): RoamSignWidgetError => Object.assign(new Error(message), { name: 'RoamSignError', code });

const READY_TIMEOUT_MS = 5000;
const ANSWER_TIMEOUT_MS = 20_000;

(() => {
  const w = window as unknown as { RoamSign?: unknown };
  const script = document.currentScript as HTMLScriptElement | null;
  if (w.RoamSign || !script) return; // one loader per page, however many tags
  const server = new URL(script.src).origin;
  const data = script.dataset;
  const en = (data.lang ?? document.documentElement.lang).slice(0, 2) === 'en';
  const system = data.system ?? '';
  const err = (m: string) => console.error(m);

  let values: Record<string, unknown> = { ...data };
  let helpers: PageHelpers | null = null;
  let screens: ScreenRule[] = [];
  let local: Partial<ScreenRule> = {};
  const rules = () => [{ ...screens[0], ...local } as ScreenRule, ...screens];

  const frame = document.createElement('iframe');
  frame.src = `${server}/widget/frame?system=${system}&lang=${en ? 'en' : 'ms'}`;
  frame.title = en ? 'RoamSign signing' : 'Tandatangan RoamSign';
  frame.allow = 'otp-credentials; publickey-credentials-get'; // issue 11: WebAuthn in the RoamSign-origin frame
  frame.style.display = 'none'; // the helpers give it DIALOG_FRAME_STYLE (tabDimmer.ts) before it is ever shown

  let ready: Promise<unknown> | null = null;
  let known = false;
  let framed = () => undefined as void;
  let fail: ((e: RoamSignWidgetError) => void) | null = null;
  let ticket = 0;
  const pending = new Map<number, [(v: SignResult | 'token') => void, (e: RoamSignWidgetError) => void, ReturnType<typeof setTimeout>?]>();
  let returnFocus: Element | null = null;

  /** The frame and the page helpers are prepared at load (ready at the first click), and again after a failure. */
  function prepare() {
    return (ready ??= new Promise<void>((resolve, reject) => {
      // No answer (server down, or this page may not frame it): give up, and allow a retry.
      const timer = setTimeout(() => fail?.(fault('unreachable')), READY_TIMEOUT_MS);
      fail = (e) => {
        clearTimeout(timer);
        ready = fail = null;
        known = false;
        frame.remove();
        reject(e);
      };
      framed = () => helpers && known && (clearTimeout(timer), (fail = null), resolve());
      const page = document.createElement('script');
      page.src = `${server}/widget/page.js`;
      page.addEventListener('roamsign:helpers', (e) => {
        helpers = (e as CustomEvent<PageHelpers>).detail;
        helpers.listenForDim(window, frame);
        helpers.guardOpener(window, guard);
        configure({});
        framed();
      });
      page.onerror = () => fail?.(fault('unreachable'));
      frame.onload = () => frame.contentWindow?.postMessage({ type: 'roamsign:ping', url: location.href } satisfies LoaderMessage, server);
      const parent = document.body ?? document.documentElement;
      parent.append(page, frame);
    }));
  }

  function configure(more: Record<string, unknown>) {
    values = { ...values, ...more };
    if (helpers) local = helpers.ruleFromAttributes(values, document, err);
  }

  // The page's Content-Security-Policy may block the frame: say so at once, and what to allow.
  document.addEventListener('securitypolicyviolation', (e) => {
    if (!e.blockedURI.startsWith(server)) return;
    err(`RoamSign: Content-Security-Policy ${e.effectiveDirective} blocks ${e.blockedURI} (see ${server}/widget/csp)`);
    emit('error', { code: 'blocked', message: e.effectiveDirective });
    fail?.(fault('blocked', e.effectiveDirective));
  });

  function show(visible: boolean) {
    frame.style.display = visible ? 'block' : 'none';
    helpers?.dimTab(window, visible);
    if (visible) {
      returnFocus = document.activeElement;
      frame.focus();
    } else (returnFocus as HTMLElement | null)?.focus?.();
  }

  function emit(name: string, detail: unknown) {
    document.dispatchEvent(new CustomEvent(`roamsign:${name}`, { detail }));
  }

  window.addEventListener('message', (event) => {
    const m = event.data as FrameMessage;
    if (event.origin !== server || event.source !== frame.contentWindow || !m?.type) return;
    if (m.type === 'roamsign:ready') {
      screens = m.screens ?? [];
      known = true;
      return framed();
    }
    const job = pending.get(m.ticket);
    if (!job) return;
    clearTimeout(job[2]);
    if (m.type === 'roamsign:open') return show(true);
    pending.delete(m.ticket);
    show(false);
    if (m.type === 'roamsign:token') job[0]('token');
    else if (m.type === 'roamsign:signed') job[0]({ requestId: m.requestId, signatures: m.signatures });
    else job[1](m.type === 'roamsign:cancelled' ? fault('cancelled', 'cancelled') : fault(m.code, m.message));
  });

  async function request(job: JobInput, forSystem = system): Promise<SignResult | 'token'> {
    await prepare();
    const id = ++ticket;
    return new Promise((resolve, reject) => {
      // The frame answers at once (open, token or error): silence means it is gone.
      pending.set(id, [resolve, reject, setTimeout(() => pending.delete(id) && reject(fault('timeout')), ANSWER_TIMEOUT_MS)]);
      frame.contentWindow!.postMessage({ type: 'roamsign:sign', ticket: id, system: forSystem, job } satisfies LoaderMessage, server);
    });
  }

  /** Fails closed and visibly: what the dialog could not say is said in the page. */
  function failed(e: RoamSignWidgetError, control: Element | null) {
    emit(e.code === 'cancelled' ? 'cancelled' : 'error', { code: e.code, message: e.message });
    if (!['unreachable', 'blocked', 'timeout', 'script_error'].includes(e.code)) return;
    const text = en
      ? `nothing was signed or sent (${e.code}): RoamSign cannot be reached or is blocked here. Try again, or call the ICT help desk.`
      : `tiada apa-apa ditandatangani atau dihantar (${e.code}): RoamSign tidak dapat dihubungi atau disekat di halaman ini. Cuba lagi, atau hubungi meja bantuan ICT.`;
    helpers ? helpers.showNotice(document, text, en ? 'Close' : 'Tutup', control) : alert(`RoamSign: ${text}`);
  }

  let busy = false;
  const guard = guardSubmissions(window, {
    // Until the rules are known, every submission waits for them.
    claims: (s) => (known && helpers ? !!helpers.findApproval(rules(), s) : !!(s.activation || s.form)),
    async sign(s, carry) {
      if (busy) return 'stop';
      busy = true;
      try {
        await prepare();
        const found = helpers!.findApproval(rules(), s);
        if (!found) return 'pass';
        const result = await request(!carry() ? { kind: 'refused', problem: 'unsupported_request' } : 'unknown' in found ? { kind: 'refused', problem: 'unknown_control' } : helpers!.readJob(found.control, found.screen));
        if (result === 'token') return 'pass';
        emit('signed', result);
        return helpers!.signatureFields(result);
      } catch (e) {
        failed((e as RoamSignWidgetError).code ? (e as RoamSignWidgetError) : fault('script_error', String(e)), s.submitter ?? s.activation);
        return 'stop';
      } finally {
        busy = false;
      }
    },
    post: (snapshot, extra, submit) => helpers!.postSnapshot(snapshot, extra, submit),
    canCarry: (body) => helpers!.canCarry(body),
    withFields: (body, extra) => helpers!.withFields(body, extra),
  });

  w.RoamSign = {
    /** WebAuthn-style: the page asks, the officer proves, signatures come back. */
    async sign(options: { nric: string; system?: string; documents: SignDocument[] }): Promise<SignResult> {
      const result = await request({ kind: 'digests', nric: options.nric.replace(/\D/g, ''), documents: options.documents }, options.system).catch((e: RoamSignWidgetError) => {
        failed(e, null);
        throw e;
      });
      if (result === 'token') throw fault('medium_token', 'medium_token');
      emit('signed', result);
      return result;
    },
    /** Sets rule values as the data-* attributes do: buttons, officer, container, fields, labels, idField, amountField, payeeField, title, batch. */
    configure,
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void prepare().catch(() => undefined));
  else void prepare().catch(() => undefined);
})();
