// /docs try-it (server/docs/apiReference.ts renders the forms): each form sends its operation to
// our own origin and shows the status and the answer. A token answered by POST /oauth2/token is
// kept in the page's token field and sent by the operations that take a Bearer token; a signing
// request's id fills the id fields of the signing-request operations.

const tokenField = document.getElementById('access-token') as HTMLInputElement | null;

function show(answer: HTMLElement, status: string, body: string): void {
  answer.replaceChildren();
  const line = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = status;
  line.append(strong);
  const pre = document.createElement('pre');
  pre.textContent = body;
  // The answer may scroll: keyboard users reach it too (axe scrollable-region-focusable).
  pre.tabIndex = 0;
  answer.append(line, pre);
}

function request(form: HTMLFormElement): { url: string; init: RequestInit } {
  let route = form.dataset.path ?? '/';
  const query = new URLSearchParams();
  const headers = new Headers();
  for (const input of form.querySelectorAll<HTMLInputElement>('input[data-in]')) {
    if (input.dataset.in === 'path') route = route.replace(`{${input.name}}`, encodeURIComponent(input.value));
    else if (input.dataset.in === 'query' && input.value !== '') query.set(input.name, input.value);
    else if (input.dataset.in === 'header' && input.value !== '') headers.set(input.name, input.value);
  }
  const token = tokenField?.value.trim();
  if (form.dataset.bearer && token) headers.set('Authorization', `Bearer ${token}`);
  const init: RequestInit = { method: form.dataset.method ?? 'GET', headers, credentials: 'omit' };
  const body = form.querySelector<HTMLInputElement | HTMLTextAreaElement>('[name=body]');
  if (body) {
    headers.set('Content-Type', body.dataset.type ?? 'application/json');
    init.body = body instanceof HTMLInputElement && body.type === 'file' ? (body.files?.[0] ?? null) : body.value;
  }
  const search = query.toString();
  return { url: search ? `${route}?${search}` : route, init };
}

/** What the answer lets the next steps reuse: the access token, a signing request's id. */
function remember(answer: unknown): void {
  if (typeof answer !== 'object' || answer === null) return;
  const { access_token: token, id } = answer as { access_token?: unknown; id?: unknown };
  if (typeof token === 'string' && tokenField) tokenField.value = token;
  if (typeof id === 'string' && id.startsWith('sr_')) {
    for (const form of document.querySelectorAll<HTMLFormElement>('form.try-it[data-path^="/api/v1/signing-requests/{id}"]')) {
      const input = form.querySelector<HTMLInputElement>('input[data-in=path][name=id]');
      if (input) input.value = id;
    }
  }
}

for (const form of document.querySelectorAll<HTMLFormElement>('form.try-it')) {
  const answer = form.querySelector<HTMLElement>('.answer')!;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    try {
      const { url, init } = request(form);
      const res = await fetch(url, init);
      const type = res.headers.get('content-type') ?? '';
      let text: string;
      if (type.includes('json')) {
        const json: unknown = await res.json();
        remember(json);
        text = JSON.stringify(json, null, 2);
      } else if (type.startsWith('text/') || type.includes('x-pem')) text = await res.text();
      else text = `(${type || 'no body'}, ${(await res.arrayBuffer()).byteLength} bytes)`;
      show(answer, `${res.status} ${res.statusText}`.trim(), text);
    } catch (error) {
      show(answer, 'The request could not be sent', error instanceof Error ? error.message : String(error));
    } finally {
      if (button) button.disabled = false;
    }
  });
}
