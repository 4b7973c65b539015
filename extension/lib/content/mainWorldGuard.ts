import { postSnapshot } from '../../../widget/formSnapshot.js';
import { findApproval } from '../../../widget/pageDocument.js';
import { guardOpener } from '../../../widget/popupGuard.js';
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
      const first = approve === null;
      approve = (JSON.parse(String((e as CustomEvent).detail)) as GuardConfig).buttons.map((buttons) => ({ buttons }));
      // A confirmation popup's submissions of its opener's form are signed here, in the popup: only where a rule matches.
      if (first) guardOpener(win, guard);
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

  const guard = guardSubmissions(win, {
    claims: (s) => approve !== null && findApproval(approve, s) !== null,
    sign: (s, carry) =>
      new Promise<SignOutcome>((resolve) => {
        const found = approve && findApproval(approve, s);
        if (!found) return resolve('pass');
        const id = ++next;
        waiting.set(id, resolve);
        // The control this world determined is the one the content script reads (or, unknown, the form it refuses for).
        const on = 'control' in found ? found.control : (s.form ?? doc.documentElement);
        on.dispatchEvent(new CustomEvent(HOLD_EVENT, { bubbles: true, composed: true, detail: JSON.stringify({ id, carry: carry(), ...('unknown' in found && { unknown: true }) } satisfies HoldDetail) }));
      }),
    post: postSnapshot,
    canCarry,
    withFields,
  });
  doc.dispatchEvent(new CustomEvent(HELLO_EVENT));
}
