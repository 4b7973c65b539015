/**
 * What the officer reads in the page when signing failed before the dialog could say it (server
 * unreachable, frame blocked, timeout, script error): nothing was sent, what to do, and a way to
 * close. role=alertdialog, focus on Close, Escape closes, focus goes back to the control.
 */
export function showNotice(doc: Document, text: string, close: string, returnTo: Element | null): void {
  doc.querySelector('[data-roamsign-notice]')?.remove();
  const box = doc.createElement('div');
  box.setAttribute('data-roamsign-notice', '');
  box.setAttribute('role', 'alertdialog');
  box.setAttribute('aria-modal', 'true');
  box.setAttribute('aria-label', 'RoamSign');
  box.style.cssText = 'position:fixed;left:50%;top:20%;transform:translateX(-50%);z-index:2147483647;max-width:26rem;background:#fff;color:#1b1b1b;border:3px solid #b00020;border-radius:8px;padding:1rem 1.25rem;font:15px/1.4 system-ui,sans-serif;box-shadow:0 8px 30px rgba(0,0,0,.35)';
  const p = doc.createElement('p');
  p.style.margin = '0 0 .75rem';
  p.textContent = `RoamSign: ${text}`;
  const button = doc.createElement('button');
  button.type = 'button';
  button.textContent = close;
  button.style.cssText = 'font:inherit;padding:.4rem 1rem';
  const done = () => {
    box.remove();
    (returnTo as HTMLElement | null)?.focus?.();
  };
  button.onclick = done;
  box.onkeydown = (e) => {
    if (e.key === 'Escape') done();
  };
  box.append(p, button);
  (doc.body ?? doc.documentElement).appendChild(box);
  button.focus();
}
