/**
 * A form submission as it was at the moment it was asked for (issue 18): the form's data set and
 * where and how it navigates. What is posted after signing is exactly this plus the signature,
 * never the live form, which the page may have changed meanwhile (JSF's `jsfcljs` adds a hidden
 * input, calls submit() and removes the input at once; WebForms and Struts scripts do alike).
 */
export interface FormSnapshot {
  /** The form that was submitted (its document receives the copy that is posted). */
  form: HTMLFormElement;
  /**
   * HTML "constructing the entry list" with the submitter (its name and value; x/y for an image
   * button), as the browser would have sent it (the `formdata` event included).
   */
  data: FormData;
  /**
   * How it navigates, as attributes for a copy of the form in the same document (so the same base
   * URL and the same defaults apply): action, method, enctype, target, accept-charset; a
   * submitter's formaction / formmethod / formenctype / formtarget override the form's (HTML "form
   * submission algorithm"). Read with getAttribute: an input named "action" or "method" (Struts'
   * DispatchAction) shadows `form.action` / `form.method`.
   */
  attributes: [string, string | null][];
}

/** Reads the submission now, while it is being asked for. */
export function snapshotForm(form: HTMLFormElement, submitter: Element | null): FormSnapshot {
  let data: FormData;
  try {
    data = new FormData(form, submitter as HTMLElement | null);
  } catch {
    // Not a submit button of this form (or a browser without the submitter argument): the form alone.
    data = new FormData(form);
  }
  const attributes = ['action', 'method', 'enctype', 'target', 'accept-charset'].map((name): [string, string | null] => [name, submitter?.getAttribute(`form${name}`) ?? form.getAttribute(name)]);
  return { form, data, attributes };
}

/**
 * Posts the snapshot with the extra fields through a hidden copy of the form in the same document,
 * so the browser navigates as the original would have: the same action, method, enctype, target
 * and accept-charset. `submit` is the browser's own HTMLFormElement.prototype.submit.
 */
export function postSnapshot(snapshot: FormSnapshot, extra: [string, string][], submit: (this: HTMLFormElement) => void): void {
  const doc = snapshot.form.ownerDocument;
  const copy = doc.createElement('form');
  // Attributes before any input exists, and set as attributes: a field named "action" cannot shadow them.
  for (const [name, value] of snapshot.attributes) if (value !== null) copy.setAttribute(name, value);
  copy.setAttribute('data-roamsign', '');
  copy.style.display = 'none';
  const add = (name: string, value: FormDataEntryValue) => {
    const input = doc.createElement('input');
    input.name = name;
    if (typeof value === 'string') {
      input.type = 'hidden';
      input.value = value;
    } else {
      input.type = 'file';
      const files = new DataTransfer();
      files.items.add(value);
      input.files = files.files;
    }
    copy.appendChild(input);
  };
  snapshot.data.forEach((value, name) => add(name, value));
  for (const [name, value] of extra) add(name, value);
  (doc.body ?? doc.documentElement).appendChild(copy);
  // The entry list is built inside submit(); the copy is not needed after it.
  submit.call(copy);
  copy.remove();
}
