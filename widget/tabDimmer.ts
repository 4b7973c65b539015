/**
 * One blocking layer over the whole tab while the dialog is open (issue 8): every frame but the
 * dialog's is dimmed, framesets included; on the way up, the frame element that leads to the
 * dialog stays above its document's layer. Same-origin frames are dimmed directly; other origins
 * are asked by message, and RoamSign's code there (widget or content script) dims its own page.
 */

const LAYER = 'position:fixed;inset:0;z-index:2147483646;background:rgba(20,24,32,.45)';
const undo: (() => void)[] = [];

/** Dims `doc`; `keep` (a frame element on the dialog's path) stays above the layer. A frameset has no page of its own to cover. */
function dimDocument(doc: Document, keep: HTMLElement | null | undefined) {
  const body = doc.body;
  if (!body || body.tagName === 'FRAMESET') return;
  const layer = doc.createElement('div');
  layer.style.cssText = LAYER;
  layer.setAttribute('data-roamsign-dim', '');
  body.appendChild(layer);
  const old = keep?.style.cssText;
  if (keep) {
    keep.style.position ||= 'relative';
    keep.style.zIndex = '2147483647';
    // The dialog fills the frame it opens in: bring that frame into view, or its buttons may sit below the screen.
    keep.scrollIntoView({ block: 'start' });
  }
  undo.push(() => {
    layer.remove();
    if (keep) keep.style.cssText = old!;
  });
}

/** The frame element of `doc` whose window is `target` or one of its ancestors. */
function frameLeadingTo(doc: Document, target: Window): HTMLElement | undefined {
  const own = doc.defaultView;
  let w: Window = target;
  while (w.parent !== own && w !== w.parent) w = w.parent;
  return [...doc.querySelectorAll<HTMLIFrameElement>('iframe,frame')].find((f) => f.contentWindow === w);
}

/** Called in the frame that shows the dialog. */
export function dimTab(self: Window, on: boolean): void {
  undo.splice(0).forEach((f) => f());
  if (!on) return;
  // The dialog covers its own frame (and any frame inside it): everything else is dimmed.
  const visit = (w: Window) => {
    if (w === self) return;
    {
      try {
        dimDocument(w.document, frameLeadingTo(w.document, self));
      } catch {
        w.postMessage({ type: 'roamsign:dim', on: true }, '*');
        undo.push(() => w.postMessage({ type: 'roamsign:dim', on: false }, '*'));
      }
    }
    for (let i = 0; i < w.frames.length; i++) visit(w.frames[i]!);
  };
  visit(self.top ?? self);
}

/** How a dialog frame covers its page (the widget's and the extension's). */
export const DIALOG_FRAME_STYLE = 'position:fixed;inset:0;width:100%;height:100%;border:0;margin:0;padding:0;z-index:2147483647;background:transparent';

/**
 * Answers another frame's request to dim this page (only frames of the same tab may ask); styles
 * this page's dialog frame, if it has one (hidden until the dialog opens).
 */
export function listenForDim(self: Window, dialog?: HTMLIFrameElement): void {
  if (dialog) dialog.style.cssText = `${DIALOG_FRAME_STYLE};display:${dialog.style.display || 'none'}`;
  self.addEventListener('message', (e) => {
    const m = e.data as { type?: unknown; on?: unknown } | null;
    const from = e.source as Window | null;
    if (m?.type !== 'roamsign:dim' || !from || from.top !== self.top) return;
    undo.splice(0).forEach((f) => f());
    if (m.on === true) {
      let inside = false;
      for (let w: Window = from; ; w = w.parent) {
        if (w === self) inside = true;
        if (w === w.parent) break;
      }
      dimDocument(self.document, inside ? frameLeadingTo(self.document, from) : null);
    }
  });
}
