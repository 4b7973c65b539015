import { render } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { pickLang, t, type Lang } from '../../shared/i18n/index.js';
import { parseJobInput } from '../../shared/jobInput.js';
import { matchesAny } from '../../shared/matchPattern.js';
import { usesTokenFlow } from '../../shared/schemas/medium.js';
import type { ScreenRule } from '../../shared/siteRules.js';
import { isSystemId, type SystemId } from '../../shared/systems.js';
import type { FrameMessage, JobInput } from '../../shared/widgetProtocol.js';
import { createApi, DialogError } from './api.js';
import { App, type DialogJob, type DialogOutcome } from './App.js';

// The signing dialog, served at /widget/frame inside the page's iframe: the PIN and OTP are typed
// into this (RoamSign's) origin, out of reach of the legacy page's scripts. It also hands the page
// its system's screen rules (from the server, embedded in this page).

type SignMessage = { type: 'roamsign:sign'; ticket: number; system: SystemId; job: JobInput };

/** Only well-formed sign messages from the parent page are acted on (web-eid's habit: distrust every boundary). */
function parseSign(data: unknown): SignMessage | null {
  const m = data as Partial<SignMessage> | null;
  if (!m || m.type !== 'roamsign:sign' || typeof m.ticket !== 'number' || !isSystemId(m.system)) return null;
  const job = parseJobInput(m.job);
  return job && { type: m.type, ticket: m.ticket, system: m.system, job };
}

const screens = JSON.parse(document.getElementById('rs-screens')?.textContent ?? '[]') as ScreenRule[];

/** The system's screens for this page: those whose URL patterns match it, else all (the agency chose to embed the widget here). */
function screensFor(url: unknown): ScreenRule[] {
  const matching = typeof url === 'string' ? screens.filter((s) => matchesAny(s.matches, url)) : [];
  return matching.length ? matching : screens;
}

function FrameHost(props: { lang: Lang }) {
  const [current, setCurrent] = useState<{ ticket: number; job: DialogJob } | null>(null);
  // One job at a time: set from the first sign message until its outcome is posted.
  const busy = useRef(false);

  // A layout effect runs inside render(), in the same task as the ping handler below: the page gets
  // "ready" only once this listener is there, so a click straight after load is never lost
  // (with useEffect, attached after paint, a busy machine dropped the sign job: an empty overlay).
  useLayoutEffect(() => {
    async function start(message: SignMessage, pageOrigin: string) {
      // The page's origin comes from the browser (event.origin), never from the page's own word.
      const post = (m: FrameMessage) => window.parent.postMessage(m, pageOrigin);
      const api = createApi({ pageOrigin, lang: props.lang });
      const job: DialogJob = { system: message.system, input: message.job, pageOrigin, api };
      busy.current = true;
      let shown = job;
      if (message.job.kind !== 'refused') {
        try {
          if (usesTokenFlow(await api.medium(message.job.nric))) {
            busy.current = false;
            return post({ type: 'roamsign:token', ticket: message.ticket });
          }
        } catch (e) {
          const err = e instanceof DialogError ? e : new DialogError('internal', t(props.lang, 'error.internal'));
          // Unreachable: the page itself says so (the loader's notice). Anything else (an officer
          // RoamSign does not know, a limit) is said in the dialog, never a click that does nothing.
          if (err.code === 'unreachable') {
            busy.current = false;
            return post({ type: 'roamsign:error', ticket: message.ticket, code: err.code, message: err.message });
          }
          const said = err.code === 'user_not_found' ? new DialogError(err.code, t(props.lang, 'widget.notEnrolled')) : err;
          shown = { ...job, failure: said };
        }
      }
      post({ type: 'roamsign:open', ticket: message.ticket });
      setCurrent({ ticket: message.ticket, job: shown });
    }
    function onMessage(event: MessageEvent) {
      if (event.source !== window.parent || event.origin === 'null') return;
      const message = parseSign(event.data);
      if (message && !busy.current) void start(message, event.origin);
      // A sign job this frame cannot read is refused out loud, never left unanswered.
      const raw = event.data as { type?: unknown; ticket?: unknown } | null;
      if (!message && raw?.type === 'roamsign:sign' && typeof raw.ticket === 'number') {
        window.parent.postMessage({ type: 'roamsign:error', ticket: raw.ticket, code: 'bad_request', message: t(props.lang, 'error.bad_request') } satisfies FrameMessage, event.origin);
      }
    }
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);

  if (!current) return null;
  const done = (outcome: DialogOutcome) => {
    const { ticket, job } = current;
    const message: FrameMessage =
      outcome.type === 'signed'
        ? { type: 'roamsign:signed', ticket, requestId: outcome.requestId, signatures: outcome.signatures }
        : outcome.type === 'cancelled'
          ? { type: 'roamsign:cancelled', ticket }
          : { type: 'roamsign:error', ticket, code: outcome.code, message: outcome.message };
    window.parent.postMessage(message, job.pageOrigin);
    busy.current = false;
    setCurrent(null);
  };
  return <App key={current.ticket} lang={props.lang} job={current.job} onDone={done} />;
}

// Answered at once, not from an effect: the page pings as soon as this frame has loaded.
window.addEventListener('message', (event) => {
  const data = event.data as { type?: string; url?: unknown } | null;
  if (event.source !== window.parent || event.origin === 'null' || data?.type !== 'roamsign:ping') return;
  window.parent.postMessage({ type: 'roamsign:ready', screens: screensFor(data.url) } satisfies FrameMessage, event.origin);
});

const lang = pickLang(new URLSearchParams(location.search).get('lang'));
document.documentElement.lang = lang;
render(<FrameHost lang={lang} />, document.getElementById('app')!);
