import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../lib/pages.css';
import { send, type Request } from '../../lib/messages.js';
import { loadSettings, LOCAL_KEY } from '../../lib/settings.js';
import { usableSettings } from '../../lib/settingsSchema.js';
import { injectRecorder } from '../../lib/recorder/injectRecorder.js';
import { OptionsForm } from './OptionsForm.js';
import { RecordScreen } from './RecordScreen.js';

async function main() {
  const initial = await loadSettings(browser.storage, usableSettings);
  const local = usableSettings((await browser.storage.local.get(LOCAL_KEY))[LOCAL_KEY] ?? {});
  const managed = usableSettings((await browser.storage.managed?.get(null).catch(() => ({}))) ?? {});
  document.documentElement.lang = initial.settings.lang;
  render(
  <>
  <OptionsForm
    initial={initial}
    local={local}
    managedIds={(managed.systems ?? []).map((x) => x.id)}
    save={(settings) => browser.storage.local.set({ [LOCAL_KEY]: settings })}
    testConnection={(serverUrl) => send((m: Request) => browser.runtime.sendMessage(m), { type: 'rs:health', serverUrl }, 10_000)}
  />
  <RecordScreen
    lang={initial.settings.lang}
    tabs={async () =>
      (await browser.tabs.query({}))
        .filter((t) => t.id !== undefined && /^https?:/.test(t.url ?? ''))
        .map((t) => ({ id: t.id!, title: t.title ?? '', url: t.url! }))}
    record={async (tabId) => {
      await injectRecorder(browser, tabId);
      await browser.tabs.update(tabId, { active: true });
    }}
  />
  </>,
  document.getElementById('app')!,
  );
}

void main();
