import { render } from 'preact';
import { browser } from 'wxt/browser';
import { pickLang, t } from '../../../shared/i18n/index.js';
import { DialogError } from '../../../widget/dialog/api.js';
import { App, type DialogJob, type DialogOutcome } from '../../../widget/dialog/App.js';
import '../../../widget/dialog/dialog.css';
import { send, type JobView, type Request } from '../../lib/messages.js';

// The same Preact dialog as the widget's, in an extension page framed into the legacy screen:
// its API calls go through the extension's worker, which alone talks to the RoamSign server.

const params = new URLSearchParams(location.search);
const jobId = params.get('job') ?? '';
const lang = pickLang(params.get('lang'));
document.documentElement.lang = lang;
const sendMessage = (message: Request) => browser.runtime.sendMessage(message);

/** The passkey popup waits for the officer: as long as a request lives. */
const CEREMONY_TIMEOUT_MS = 5 * 60 * 1000;

async function call<T>(message: Request, timeoutMs?: number): Promise<T> {
  const reply = await send<T>(sendMessage, message, timeoutMs);
  if (!reply.ok) throw new DialogError(reply.code, reply.message || t(lang, 'widget.unreachable'), reply.details ?? {});
  return reply.value;
}

// Passkeys (issue 11): this dialog runs in the extension's origin, which is not RoamSign's WebAuthn
// RP, so the worker runs the ceremony in a RoamSign-origin popup (`assert`).
const api: DialogJob['api'] = {
  // The documents carry the digest of exactly the fields this dialog shows; the worker checks it is the job's.
  create: (body) => call({ type: 'rs:api', jobId, op: 'create', documents: body.documents }),
  resend: (requestId) => call({ type: 'rs:api', jobId, op: 'resend', requestId }),
  complete: (requestId, pin, otp) => call({ type: 'rs:api', jobId, op: 'complete', requestId, pin, otp }),
  cancel: (requestId) => call({ type: 'rs:api', jobId, op: 'cancel', requestId }),
  passkeyOffer: (requestId) => call({ type: 'rs:api', jobId, op: 'passkeyOffer', requestId }),
  completePasskey: (requestId, pin, credential) => call({ type: 'rs:api', jobId, op: 'completePasskey', requestId, pin, credential }),
  assert: (requestId, options) => call({ type: 'rs:api', jobId, op: 'passkeyAssert', requestId, options }, CEREMONY_TIMEOUT_MS),
};

async function main() {
  const root = document.getElementById('app')!;
  const done = async (outcome: DialogOutcome) => {
    // The worker hands the outcome to the page; if it cannot, the page must still close this dialog (never a dead end).
    const reply = await send(sendMessage, { type: 'rs:done', jobId, outcome });
    if (!reply.ok) window.parent.postMessage({ type: 'roamsign:dialog-lost' }, '*');
  };
  try {
    const job = await call<JobView>({ type: 'rs:job', jobId });
    render(<App lang={lang} job={{ system: job.system, input: job.input, pageOrigin: job.pageOrigin, api }} onDone={(outcome) => void done(outcome)} />, root);
  } catch (error) {
    void done({ type: 'error', code: (error as DialogError).code ?? 'internal', message: (error as Error).message });
  }
}

void main();
