import type { DocumentSignature } from '../shared/schemas/signingRequest.js';

/** What a finished signature hands to the legacy form. */
export interface SignResult {
  requestId: string;
  signatures: DocumentSignature[];
}

/**
 * Stops clicks on the approve buttons before the page's own handlers (capture phase on window)
 * and hands the button to `onApprove`; `replay` later lets the original action run exactly as the
 * page wrote it: its handlers, then its default (submit, navigation).
 */
export function interceptApprove(win: Window, selector: () => string, onApprove: (button: HTMLElement) => void) {
  let passing: Element | null = null;
  win.addEventListener(
    'click',
    (event) => {
      const button = (event.target as Element | null)?.closest?.(selector()) as HTMLElement | null;
      if (!button || button === passing) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      onApprove(button);
    },
    true,
  );
  return {
    replay(button: HTMLElement) {
      passing = button;
      try {
        button.click();
      } finally {
        passing = null;
      }
    },
  };
}

/** Adds the signature reference to the button's form as hidden inputs (replacing an earlier one). */
export function addHiddenInputs(button: HTMLElement, result: SignResult): void {
  const form = (button as HTMLButtonElement).form ?? button.closest('form');
  if (!form) return;
  form.querySelectorAll('input[data-roamsign]').forEach((input) => input.remove());
  const add = (name: string, value: string) => {
    const input = form.ownerDocument.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    input.setAttribute('data-roamsign', '');
    form.appendChild(input);
  };
  add('roamsign_request_id', result.requestId);
  for (const s of result.signatures) {
    add('roamsign_document_id', s.documentId);
    add('roamsign_signature', s.signature);
    add('roamsign_certificate_serial', s.certificateSerial);
  }
}
