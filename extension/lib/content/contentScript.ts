import type { DialogOutcome } from '../../../widget/dialog/App.js';
import { addHiddenInputs, interceptApprove } from '../../../widget/intercept.js';
import { readDocument, readOfficer } from '../../../widget/pageDocument.js';
import { matchSystem } from '../matchSystem.js';
import { send, type Request, type TabMessage } from '../messages.js';
import type { EffectiveSettings } from '../settings.js';

export interface ContentDeps {
  settings(): Promise<EffectiveSettings>;
  sendMessage(message: Request): Promise<unknown>;
  onMessage(listener: (message: TabMessage) => unknown): void;
  /** chrome-extension://<id>/dialog.html */
  dialogUrl: string;
}

/**
 * The extension's content script: on a screen a site rule matches, it stops the approve click,
 * reads the document with the widget's own code, and shows the same dialog, bundled in the
 * extension and framed from the extension's origin (the page cannot read the PIN). Pages no
 * rule matches are left exactly as they are.
 */
export async function startContentScript(win: Window, deps: ContentDeps): Promise<boolean> {
  const { settings } = await deps.settings();
  const system = matchSystem(settings.rules, win.location.href);
  if (!system) return false;
  const rule = settings.rules[system];
  const doc = win.document;
  const waiting = new Map<string, (outcome: DialogOutcome) => void>();
  let busy = false;

  deps.onMessage((message) => {
    if (message?.type === 'rs:outcome' && typeof message.jobId === 'string') {
      waiting.get(message.jobId)?.(message.outcome);
      waiting.delete(message.jobId);
      return undefined;
    }
    if (message?.type === 'rs:officer') return { system, nric: readOfficer(doc, rule) };
    return undefined;
  });

  function emit(name: string, detail: unknown) {
    doc.dispatchEvent(new CustomEvent(`roamsign:${name}`, { detail, bubbles: true }));
  }

  function showDialog(jobId: string, lang: string): HTMLIFrameElement {
    const frame = doc.createElement('iframe');
    frame.src = `${deps.dialogUrl}?job=${encodeURIComponent(jobId)}&lang=${lang}`;
    frame.title = lang === 'en' ? 'RoamSign signing' : 'Tandatangan RoamSign';
    frame.style.cssText = 'position:fixed;inset:0;width:100%;height:100%;border:0;margin:0;padding:0;z-index:2147483647;background:transparent;display:block';
    (doc.body ?? doc.documentElement).appendChild(frame);
    frame.focus();
    return frame;
  }

  async function onApprove(button: HTMLElement) {
    const nric = readOfficer(doc, rule);
    if (!nric) return replay(button); // no officer on this screen: the legacy (token) flow decides
    busy = true;
    try {
      const documents = [await readDocument(doc, rule)];
      const started = await send<{ token: true } | { jobId: string; lang: string }>(deps.sendMessage, { type: 'rs:start', system: system!, nric, documents });
      if (!started.ok) return emit('error', { code: started.code, message: started.message });
      if ('token' in started.value) return replay(button);
      const { jobId, lang } = started.value;
      const outcome = new Promise<DialogOutcome>((resolve) => waiting.set(jobId, resolve));
      const frame = showDialog(jobId, lang);
      const result = await outcome;
      frame.remove();
      button.focus();
      if (result.type === 'signed') {
        addHiddenInputs(button, result);
        emit('signed', result);
        replay(button);
      } else {
        emit(result.type === 'cancelled' ? 'cancelled' : 'error', result);
      }
    } finally {
      busy = false;
    }
  }

  const { replay } = interceptApprove(win, () => rule.buttons, (button) => {
    if (!busy) void onApprove(button);
  });
  return true;
}
