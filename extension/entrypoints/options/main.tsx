import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../lib/pages.css';
import { send, type Request } from '../../lib/messages.js';
import { loadSettings, LOCAL_KEY, type PartialSettings } from '../../lib/settings.js';
import { OptionsForm } from './OptionsForm.js';

async function main() {
  const initial = await loadSettings(browser.storage);
  const local = ((await browser.storage.local.get(LOCAL_KEY))[LOCAL_KEY] ?? {}) as PartialSettings;
  document.documentElement.lang = initial.settings.lang;
  render(
  <OptionsForm
    initial={initial}
    local={local}
    save={(settings) => browser.storage.local.set({ [LOCAL_KEY]: settings })}
    testConnection={(serverUrl) => send((m: Request) => browser.runtime.sendMessage(m), { type: 'rs:health', serverUrl }, 10_000)}
  />,
  document.getElementById('app')!,
  );
}

void main();
