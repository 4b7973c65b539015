import { useEffect, useState } from 'preact/hooks';
import { STRINGS } from '../../lib/strings.js';

export interface RecordDeps {
  lang: 'ms' | 'en';
  /** The open http(s) tabs. */
  tabs(): Promise<{ id: number; title: string; url: string }[]>;
  /** Shows the recorder on that tab and brings it to the front. */
  record(tabId: number): Promise<void>;
}

/** "Rekod skrin baharu" (issue 18 part 5): the rule recorder on an open legacy screen. */
export function RecordScreen(props: RecordDeps) {
  const s = STRINGS[props.lang];
  const [tabs, setTabs] = useState<{ id: number; title: string; url: string }[] | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  // Listed again whenever the administrator comes back to this page (after opening the screen in another tab).
  useEffect(() => {
    const refresh = () => void props.tabs().then(setTabs);
    refresh();
    window.addEventListener('focus', refresh);
    return () => window.removeEventListener('focus', refresh);
  }, []);
  async function record(id: number) {
    try {
      await props.record(id);
      setStatus({ ok: true, text: s.recordStarted });
    } catch (e) {
      setStatus({ ok: false, text: `${s.recordFailed}: ${(e as Error).message}` });
    }
  }
  return (
    <section id="record" aria-labelledby="record-title">
      <h2 id="record-title">{s.record}</h2>
      <p class="help">{s.recordHelp}</p>
      {tabs?.length === 0 && <p>{s.noTabs}</p>}
      <ul id="record-tabs">
        {(tabs ?? []).map((tab) => (
          <li key={tab.id}>
            <button type="button" data-url={tab.url} onClick={() => void record(tab.id)}>
              {s.recordOn}
            </button>{' '}
            {tab.title || tab.url} <span class="help">{tab.url}</span>
          </li>
        ))}
      </ul>
      <p id="record-status" role="status" class={status ? (status.ok ? 'ok' : 'bad') : ''}>
        {status?.text ?? ''}
      </p>
    </section>
  );
}
