import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

// The portal's passkey ceremonies (issue 11): registration on /portal/passkeys (and /mobile), and
// sign-in on the sign-in pages. The server renders the forms; this script only runs the WebAuthn
// ceremony between two posts to the same origin. Forms post urlencoded, like every portal form.

type Answer = { error?: { message?: string }; challengeId?: string; options?: unknown; redirect?: string };

async function post(path: string, fields: Record<string, string>): Promise<Answer & { ok: boolean }> {
  const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields), credentials: 'same-origin' });
  const body = (await res.json().catch(() => ({}))) as Answer;
  return { ...body, ok: res.ok };
}

function say(status: HTMLElement | null, text: string): void {
  if (status) status.textContent = text;
}

const value = (id: string) => (document.getElementById(id) as HTMLInputElement | null)?.value ?? '';

/** Registration: PIN (officers) first, then the authenticator, then the server keeps the credential. */
function wireRegistration(button: HTMLButtonElement): void {
  const status = document.getElementById('passkey-status');
  const base = button.dataset.endpoint ?? '/portal/passkeys';
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const csrf = value('passkey-csrf');
      // Officers re-enter the signing PIN, administrators their password (data-secret names the field).
      const started = await post(`${base}/options`, { _csrf: csrf, [button.dataset.secret ?? 'pin']: value('passkey-pin') });
      if (!started.ok || !started.challengeId) return say(status, started.error?.message ?? button.dataset.failed ?? '');
      const response = await startRegistration({ optionsJSON: started.options as Parameters<typeof startRegistration>[0]['optionsJSON'] });
      const done = await post(base, { _csrf: csrf, challengeId: started.challengeId, name: value('passkey-name'), response: JSON.stringify(response) });
      if (!done.ok) return say(status, done.error?.message ?? button.dataset.failed ?? '');
      location.assign(done.redirect ?? base);
    } catch (error) {
      say(status, `${button.dataset.failed ?? ''} (${error instanceof Error ? error.name : 'Error'})`);
    } finally {
      button.disabled = false;
    }
  });
}

/** Sign-in: a discoverable credential (officers) or the administrator's own (second factor). */
function wireSignIn(button: HTMLButtonElement): void {
  const status = document.getElementById('passkey-status');
  const base = button.dataset.endpoint!;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      // The session's CSRF token where a signed-in page offers the passkey (renewal); none on sign-in pages.
      const csrf = value('passkey-csrf');
      const started = await post(`${base}/options`, { _csrf: csrf, pending: button.dataset.pending ?? '' });
      if (!started.ok || !started.challengeId) return say(status, started.error?.message ?? button.dataset.failed ?? '');
      const response = await startAuthentication({ optionsJSON: started.options as Parameters<typeof startAuthentication>[0]['optionsJSON'] });
      const done = await post(base, { _csrf: csrf, challengeId: started.challengeId, pending: button.dataset.pending ?? '', response: JSON.stringify(response) });
      if (!done.ok) return say(status, done.error?.message ?? button.dataset.failed ?? '');
      location.assign(done.redirect ?? '/portal');
    } catch (error) {
      say(status, `${button.dataset.failed ?? ''} (${error instanceof Error ? error.name : 'Error'})`);
    } finally {
      button.disabled = false;
    }
  });
}

const supported = browserSupportsWebAuthn();
for (const el of Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-passkey]'))) {
  el.hidden = !supported;
  if (el.dataset.passkey === 'register') wireRegistration(el);
  else wireSignIn(el);
}
