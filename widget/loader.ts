import { DEFAULT_SITE_RULES, type SiteRule } from '../shared/siteRules.js';
import { SYSTEMS, type SystemId } from '../shared/systems.js';
import { isFrameMessage, type FrameMessage, type LoaderMessage, type SignDocument, type WidgetErrorCode } from '../shared/widgetProtocol.js';
import { addHiddenInputs, interceptApprove, type SignResult } from './intercept.js';
import { readDocument, readOfficer } from './pageDocument.js';

// The only RoamSign code that runs in the legacy page: it finds the approve buttons, stops their
// click, and hands the document to the signing dialog in RoamSign's own iframe (the PIN never
// touches this page). Framework-free and small: it loads on every approve screen.

class RoamSignWidgetError extends Error {
  constructor(readonly code: WidgetErrorCode, message: string) {
    super(message);
    this.name = 'RoamSignError';
  }
}

const READY_TIMEOUT_MS = 5000;

type Pending = { resolve(value: SignResult | 'token'): void; reject(error: RoamSignWidgetError): void };

(() => {
  const w = window as unknown as { RoamSign?: unknown };
  const script = document.currentScript as HTMLScriptElement | null;
  if (w.RoamSign || !script) return; // one loader per page, however many tags
  const server = new URL(script.src).origin;
  const data = script.dataset;
  const system = (SYSTEMS as readonly string[]).includes(data.system ?? '') ? (data.system as SystemId) : 'igfmas';
  const lang = (data.lang ?? document.documentElement.lang).slice(0, 2) === 'en' ? 'en' : 'ms';
  let rule: SiteRule = { ...DEFAULT_SITE_RULES[system] };
  if (data.buttons) rule.buttons = data.buttons;
  if (data.officer) rule.officer = data.officer;
  if (data.fields) rule.fields = JSON.parse(data.fields) as Record<string, string>;
  if (data.idField) rule.idField = data.idField;

  const frame = document.createElement('iframe');
  frame.src = `${server}/widget/frame?system=${system}&lang=${lang}`;
  frame.title = lang === 'en' ? 'RoamSign signing' : 'Tandatangan RoamSign';
  frame.setAttribute('allow', 'otp-credentials');
  frame.style.cssText = 'position:fixed;inset:0;width:100%;height:100%;border:0;margin:0;padding:0;z-index:2147483647;background:transparent;display:none';

  let ready: Promise<void> | null = null;
  let markReady: () => void = () => undefined;
  let ticket = 0;
  const pending = new Map<number, Pending>();
  let busy = false;
  let returnFocus: HTMLElement | null = null;

  /** The frame is prepared at load so the dialog is ready at the first click; re-prepared after an error. */
  function prepare(): Promise<void> {
    if (ready) return ready;
    ready = new Promise<void>((resolve, reject) => {
      // No answer from the frame (server down, or this page may not frame it): give up, allow a retry.
      const timer = setTimeout(() => {
        ready = null;
        frame.remove();
        reject(new RoamSignWidgetError('unreachable', 'RoamSign'));
      }, READY_TIMEOUT_MS);
      markReady = () => {
        clearTimeout(timer);
        resolve();
      };
      frame.onload = () => frame.contentWindow?.postMessage({ type: 'roamsign:ping' } satisfies LoaderMessage, server);
      (document.body ?? document.documentElement).appendChild(frame);
    });
    return ready;
  }

  function show(visible: boolean) {
    frame.style.display = visible ? 'block' : 'none';
    if (visible) {
      returnFocus = document.activeElement as HTMLElement | null;
      frame.focus();
    } else {
      returnFocus?.focus();
    }
  }

  function emit(name: 'signed' | 'cancelled' | 'error', detail: unknown) {
    document.dispatchEvent(new CustomEvent(`roamsign:${name}`, { detail, bubbles: true }));
  }

  window.addEventListener('message', (event) => {
    if (event.origin !== server || event.source !== frame.contentWindow || !isFrameMessage(event.data)) return;
    const m = event.data as FrameMessage;
    if (m.type === 'roamsign:ready') return markReady();
    const job = pending.get(m.ticket);
    if (!job) return;
    if (m.type === 'roamsign:open') return show(true);
    pending.delete(m.ticket);
    show(false);
    if (m.type === 'roamsign:token') job.resolve('token');
    else if (m.type === 'roamsign:signed') job.resolve({ requestId: m.requestId, signatures: m.signatures });
    else if (m.type === 'roamsign:cancelled') job.reject(new RoamSignWidgetError('cancelled', 'cancelled'));
    else job.reject(new RoamSignWidgetError(m.code, m.message));
  });

  async function request(nric: string, documents: SignDocument[], mode: 'button' | 'api', forSystem: SystemId = system): Promise<SignResult | 'token'> {
    await prepare();
    const id = ++ticket;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      frame.contentWindow!.postMessage({ type: 'roamsign:sign', ticket: id, nric, system: forSystem, documents, mode } satisfies LoaderMessage, server);
    });
  }

  async function onApprove(button: HTMLElement) {
    const nric = readOfficer(document, rule);
    if (!nric) return replay(button); // no officer on this screen: the legacy (token) flow decides
    busy = true;
    try {
      const result = await request(nric, [await readDocument(document, rule)], 'button');
      if (result === 'token') return replay(button);
      addHiddenInputs(button, result);
      emit('signed', result);
      replay(button);
    } catch (error) {
      const e = error as RoamSignWidgetError;
      emit(e.code === 'cancelled' ? 'cancelled' : 'error', { code: e.code, message: e.message });
      button.focus();
    } finally {
      busy = false;
    }
  }

  const { replay } = interceptApprove(window, () => rule.buttons, (button) => {
    if (!busy) void onApprove(button);
  });

  w.RoamSign = {
    /** WebAuthn-style: the page asks, the officer proves, signatures come back. */
    async sign(options: { nric: string; system?: SystemId; documents: SignDocument[] }): Promise<SignResult> {
      const result = await request(options.nric.replace(/\D/g, ''), options.documents, 'api', options.system).catch((e: RoamSignWidgetError) => {
        emit(e.code === 'cancelled' ? 'cancelled' : 'error', { code: e.code, message: e.message });
        throw e;
      });
      if (result === 'token') throw new RoamSignWidgetError('medium_token', 'medium_token');
      emit('signed', result);
      return result;
    },
    /** Overrides the site rule (button, officer and field selectors). */
    configure(overrides: Partial<SiteRule>) {
      rule = { ...rule, ...overrides };
    },
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void prepare());
  else void prepare();
})();
