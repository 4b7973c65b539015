import { findApproval } from '../../../widget/pageDocument.js';
import { canCarry, withFields } from '../../../widget/requestBody.js';
import { guardSubmissions, type SignOutcome } from '../../../widget/submitGuard.js';
import { CONFIG_EVENT, HELLO_EVENT, HOLD_EVENT, RELEASE_EVENT, type GuardConfig, type HoldDetail } from './guardEvents.js';

/**
 * The extension's part in the page's main world: the widget's own submission guard, so
 * `form.submit()`, fetch and XHR approvals are held too (an isolated content script cannot see
 * the page's calls). What to hold comes from the content script; signing is its job.
 */
export function startMainWorldGuard(win: Window & typeof globalThis): void {
  let approve: { buttons: string }[] | null = null;
  let next = 0;
  const waiting = new Map<number, (outcome: SignOutcome) => void>();
  const doc = win.document;

  doc.addEventListener(CONFIG_EVENT, (e) => {
    try {
      approve = (JSON.parse(String((e as CustomEvent).detail)) as GuardConfig).buttons.map((buttons) => ({ buttons }));
    } catch {
      // not ours
    }
  });
  doc.addEventListener(RELEASE_EVENT, (e) => {
    try {
      const { id, outcome } = JSON.parse(String((e as CustomEvent).detail)) as { id: number; outcome: SignOutcome };
      waiting.get(id)?.(outcome);
      waiting.delete(id);
    } catch {
      // not ours
    }
  });

  guardSubmissions(win, {
    claims: (control, form) => approve !== null && findApproval(approve, control, form) !== null,
    sign: (control, form, carry) =>
      new Promise<SignOutcome>((resolve) => {
        const found = approve && findApproval(approve, control, form);
        if (!found) return resolve('pass');
        const id = ++next;
        waiting.set(id, resolve);
        found.control.dispatchEvent(new CustomEvent(HOLD_EVENT, { bubbles: true, composed: true, detail: JSON.stringify({ id, carry } satisfies HoldDetail) }));
      }),
    canCarry,
    withFields,
  });
  doc.dispatchEvent(new CustomEvent(HELLO_EVENT));
}
