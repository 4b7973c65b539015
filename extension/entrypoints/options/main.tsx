import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../lib/pages.css';
import { send, type Request } from '../../lib/messages.js';
import { loadSettings, LOCAL_KEY } from '../../lib/settings.js';
import { usableSettings } from '../../lib/settingsSchema.js';
import { OptionsForm } from './OptionsForm.js';

async function main() {
  const initial = await loadSettings(browser.storage, usableSettings);
  const local = usableSettings((await browser.storage.local.get(LOCAL_KEY))[LOCAL_KEY] ?? {});
  const managed = usableSettings((await browser.storage.managed?.get(null).catch(() => ({}))) ?? {});
  document.documentElement.lang = initial.settings.lang;
  render(
  <OptionsForm
    initial={initial}
    local={local}
    managedIds={(managed.systems ?? []).map((x) => x.id)}
    save={(settings) => browser.storage.local.set({ [LOCAL_KEY]: settings })}
    testConnection={(serverUrl) => send((m: Request) => browser.runtime.sendMessage(m), { type: 'rs:health', serverUrl }, 10_000)}
  />,
  document.getElementById('app')!,
  );
}

void main();
