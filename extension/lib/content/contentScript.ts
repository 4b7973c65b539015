import { t } from '../../../shared/i18n/index.js';
import { CLIENT_ERROR_CODES, type ClientErrorCode } from '../../../shared/errors.js';
import { signatureFields, type JobInput } from '../../../shared/widgetProtocol.js';
import type { DialogOutcome } from '../../../widget/dialog/App.js';
import { findApproval, readJob, readOfficer } from '../../../widget/pageDocument.js';
import { showNotice } from '../../../widget/pageNotice.js';
import type { SignOutcome } from '../../../widget/submitGuard.js';
import { DIALOG_FRAME_STYLE, dimTab, listenForDim } from '../../../widget/tabDimmer.js';
import { matchSystem } from '../matchSystem.js';
import { send, type Request, type TabMessage } from '../messages.js';
import type { EffectiveSettings } from '../settings.js';
import { HOLD_EVENT, RELEASE_EVENT, CONFIG_EVENT, HELLO_EVENT, type GuardConfig, type HoldDetail } from './guardEvents.js';

export interface ContentDeps {
  settings(): Promise<EffectiveSettings>;
  sendMessage(message: Request): Promise<unknown>;
  onMessage(listener: (message: TabMessage) => unknown): void;
}

/** A dialog that has not asked for its job by then was blocked (or never loaded): the page says so. */
export const DIALOG_OPEN_TIMEOUT_MS = 8000;

/**
 * The extension's content script (isolated world). On a screen a rule matches, the main-world
 * guard (./mainWorldGuard.ts) holds each approval's submission and asks this script to sign it:
 * it reads the document from the clicked control's container with the widget's own code, and
 * shows the same dialog, bundled in the extension and framed from the extension's origin (the page
 * cannot read the PIN). In every frame it also answers other frames' requests to dim the page.
 * Pages no rule matches are left exactly as they are.
 */
export async function startContentScript(win: Window, deps: ContentDeps): Promise<boolean> {
  listenForDim(win);
  const { settings } = await deps.settings();
  const matched = matchSystem(settings.systems, win.location.href);
  if (!matched) return false;
  const { system, screens } = matched;
  const doc = win.document;
  const lang = settings.lang;
  const waiting = new Map<string, { opened(): void; done(outcome: DialogOutcome): void }>();
  let busy = false;

  deps.onMessage((message) => {
    if (message?.type === 'rs:outcome' || message?.type === 'rs:opened') {
      const job = typeof message.jobId === 'string' ? waiting.get(message.jobId) : undefined;
      if (message.type === 'rs:opened') job?.opened();
      else job?.done(message.outcome);
      return undefined;
    }
    if (message?.type === 'rs:officer') return { system: system.id, nric: readOfficer(doc.documentElement, null, screens[0]!) };
    return undefined;
  });

  const emit = (name: string, detail: unknown) => doc.dispatchEvent(new CustomEvent(`roamsign:${name}`, { detail }));

  /** Says in the page what went wrong and that nothing was sent. */
  function notice(code: string, message: string, control: Element | null) {
    const text = (CLIENT_ERROR_CODES as readonly string[]).includes(code) ? t(lang, `client.${code as ClientErrorCode}`) : `${message} ${t(lang, 'widget.nothingPosted')}`;
    showNotice(doc, text, t(lang, 'widget.close'), control);
  }

  /** Frames the dialog over this frame and dims the rest of the tab; resolves with the officer's outcome. */
  function openDialog(jobId: string, dialogLang: string, dialogUrl: string): Promise<DialogOutcome> {
    const frame = doc.createElement('iframe');
    frame.src = `${dialogUrl}?job=${encodeURIComponent(jobId)}&lang=${dialogLang}`;
    frame.title = dialogLang === 'en' ? 'RoamSign signing' : 'Tandatangan RoamSign';
    frame.style.cssText = `${DIALOG_FRAME_STYLE};display:block`;
    (doc.body ?? doc.documentElement).appendChild(frame);
    frame.focus();
    dimTab(win, true);
    return new Promise<DialogOutcome>((resolve) => {
      const finish = (outcome: DialogOutcome) => {
        clearTimeout(timer);
        waiting.delete(jobId);
        win.removeEventListener('message', fromDialog);
        frame.remove();
        dimTab(win, false);
        resolve(outcome);
      };
      // Never a dead end: a dialog the browser blocked, or one that cannot reach the worker, closes with a reason.
      const timer = setTimeout(() => finish({ type: 'error', code: 'blocked', message: 'dialog' }), DIALOG_OPEN_TIMEOUT_MS);
      const fromDialog = (e: MessageEvent) => {
        if (e.source === frame.contentWindow && e.origin === new URL(dialogUrl).origin && (e.data as { type?: string })?.type === 'roamsign:dialog-lost') {
          finish({ type: 'error', code: 'unreachable', message: 'worker' });
        }
      };
      win.addEventListener('message', fromDialog);
      waiting.set(jobId, { opened: () => clearTimeout(timer), done: finish });
    });
  }

  async function sign(control: Element, hold: HoldDetail): Promise<SignOutcome> {
    if (busy) return 'stop';
    busy = true;
    try {
      const approval = hold.unknown ? null : findApproval(screens, { form: null, submitter: null, activation: control, data: null });
      if (!approval && !hold.unknown) return 'pass';
      const job: JobInput =
        hold.carry !== true
          ? { kind: 'refused', problem: 'unsupported_request' }
          : !approval || !('control' in approval)
            ? { kind: 'refused', problem: 'unknown_control' }
            : readJob(approval.control, approval.screen);
      const started = await send<{ token: true } | { jobId: string; lang: string; dialogUrl: string }>(deps.sendMessage, { type: 'rs:start', system: system.id, job });
      if (!started.ok) {
        emit('error', { code: started.code, message: started.message });
        notice(started.code, started.message, control);
        return 'stop';
      }
      if ('token' in started.value) return 'pass';
      const outcome = await openDialog(started.value.jobId, started.value.lang, started.value.dialogUrl);
      (control as HTMLElement).focus?.();
      if (outcome.type === 'signed') {
        emit('signed', outcome);
        return signatureFields(outcome);
      }
      emit(outcome.type === 'cancelled' ? 'cancelled' : 'error', outcome);
      if (outcome.type === 'error' && (outcome.code === 'blocked' || outcome.code === 'unreachable')) notice(outcome.code, outcome.message, control);
      return 'stop';
    } catch (error) {
      emit('error', { code: 'script_error', message: String(error) });
      notice('script_error', String(error), control);
      return 'stop';
    } finally {
      busy = false;
    }
  }

  // The main-world guard asks; the answer goes back by id (DOM events are the one channel the two worlds share).
  win.addEventListener(
    HOLD_EVENT,
    (event) => {
      let hold: HoldDetail;
      try {
        hold = JSON.parse(String((event as CustomEvent).detail)) as HoldDetail;
      } catch {
        return;
      }
      void sign(event.target as Element, hold).then((outcome) =>
        doc.dispatchEvent(new CustomEvent(RELEASE_EVENT, { detail: JSON.stringify({ id: hold.id, outcome }) })),
      );
    },
    true,
  );
  const config: GuardConfig = { buttons: screens.map((s) => s.buttons) };
  const tell = () => doc.dispatchEvent(new CustomEvent(CONFIG_EVENT, { detail: JSON.stringify(config) }));
  doc.addEventListener(HELLO_EVENT, tell);
  tell();
  return true;
}
