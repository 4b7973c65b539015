import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { extensionUrl } from '../../lib/extensionUrl.js';
import { injectRecorder } from '../../lib/recorder/injectRecorder.js';
import '../../lib/pages.css';
import { send, type HistoryEntry, type Reply, type Request } from '../../lib/messages.js';
import { loadSettings, type Settings } from '../../lib/settings.js';
import { usableSettings } from '../../lib/settingsSchema.js';
import { STRINGS } from '../../lib/strings.js';
import { formatMalaysiaTime } from '../../../shared/time.js';

const sendMessage = (m: Request) => browser.runtime.sendMessage(m);

/** Server reachable or not, the officer on the current tab, and the last signatures made here. */
function Popup({ settings }: { settings: Settings }) {
  const s = STRINGS[settings.lang];
  const [health, setHealth] = useState<Reply<{ serverUrl: string }> | null>(null);
  const [officer, setOfficer] = useState<{ system: string; nric: string | null } | null>(null);
  const [history, setHistory] = useState<HistoryEntry[]>([]);

  useEffect(() => {
    void send<{ serverUrl: string }>(sendMessage, { type: 'rs:health' }, 8000).then(setHealth);
    void send<HistoryEntry[]>(sendMessage, { type: 'rs:history' }).then((r) => r.ok && setHistory(r.value));
    void browser.tabs.query({ active: true, currentWindow: true }).then(async ([tab]) => {
      if (tab?.id === undefined) return;
      const answer = await browser.tabs.sendMessage(tab.id, { type: 'rs:officer' }).catch(() => null);
      if (answer) setOfficer(answer as { system: string; nric: string | null });
    });
  }, []);

  // The rule recorder (issue 18 part 5) on the current tab's screen.
  async function recordThis() {
    const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
    if (tab?.id === undefined) return;
    await injectRecorder(browser, tab.id);
    window.close();
  }

  return (
    <main>
      <h1>{s.popupTitle}</h1>
      <p id="server-status">
        {s.server}: {settings.serverUrl} —{' '}
        {health === null ? '…' : health.ok ? <strong class="ok">{s.reachable}</strong> : <strong class="bad">{s.unreachable}</strong>}
      </p>
      <p id="officer">
        {s.officer}: {officer?.nric ? `${officer.nric} (${officer.system})` : s.noOfficer}
      </p>
      <h2>{s.history}</h2>
      {history.length === 0 ? (
        <p>{s.noHistory}</p>
      ) : (
        <ul id="history">
          {history.map((h) => (
            <li key={`${h.requestId}-${h.documentId}`}>
              {h.documentId} — {formatMalaysiaTime(settings.lang, Date.parse(h.signedAt))} — <code>{h.requestId}</code>
            </li>
          ))}
        </ul>
      )}
      <p>
        <button type="button" id="record-this" onClick={recordThis}>
          {s.recordThis}
        </button>
      </p>
      <p>
        <a href={extensionUrl('/options.html')} target="_blank">
          {s.settings}
        </a>
      </p>
    </main>
  );
}

void loadSettings(browser.storage, usableSettings).then(({ settings }) => {
  document.documentElement.lang = settings.lang;
  render(<Popup settings={settings} />, document.getElementById('app')!);
});
