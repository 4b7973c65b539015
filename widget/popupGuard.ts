import type { Guard } from './submitGuard.js';

type Win = Window & typeof globalThis;

/**
 * Popup approvals (issue 18 part 3): an older system opens a confirmation window (window.open)
 * whose button submits the opener's form (`opener.document.forms[0].submit()`,
 * `opener.__doPostBack(…)`, or a click on one of the opener's buttons). While the officer's
 * activation in this popup is current, those submissions are held here and signed here, reading
 * the document this popup shows; the opener's own submissions stay the opener's. The popup's
 * close() right after its submit() waits for the signature (kept open when nothing was sent, so
 * the officer can try again). Same-origin openers only: another origin's forms are out of reach.
 */
export function guardOpener(win: Win, guard: Guard): void {
  let opener: Win | null = null;
  try {
    opener = win.opener && (win.opener as Win).document ? (win.opener as Win) : null;
  } catch {
    return; // another origin
  }
  if (!opener || opener === win) return;
  const current = () => (win.closed ? null : guard.activation());
  const OF = opener.HTMLFormElement.prototype;
  const before = OF.submit;
  const ours = function (this: HTMLFormElement) {
    const act = current();
    if (!act || !guard.holdForm(this, null, act)) before.call(this);
  };
  OF.submit = ours;
  // Before the opener's own guard (on its window): a click the popup made on the opener's button.
  const onSubmit = (e: Event) => {
    const act = current();
    if (act && !e.defaultPrevented && guard.holdForm(e.target as HTMLFormElement, (e as SubmitEvent).submitter, act)) e.preventDefault();
  };
  const doc = opener.document;
  doc.addEventListener('submit', onSubmit);
  // Nothing of this window stays in the opener once it goes (a closed window's functions may not be called).
  win.addEventListener('pagehide', () => {
    if (OF.submit === ours) OF.submit = before;
    doc.removeEventListener('submit', onSubmit);
  });
  const close = win.close;
  win.close = function () {
    if (!guard.holding()) return close.call(win);
    guard.afterHold((sent) => sent && close.call(win));
  };
}
