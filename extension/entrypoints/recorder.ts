import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { send, type Request } from '../lib/messages.js';
import { startRecorder } from '../lib/recorder/RecorderPanel.js';
import { LOCAL_KEY, type EffectiveSettings } from '../lib/settings.js';
import { usableSettings } from '../lib/settingsSchema.js';

// The rule recorder (issue 18 part 5), injected into one tab on demand from the options page or
// the popup ("Rekod skrin baharu"); never loaded on other pages, and no part of the content
// script, the guard or the dialog.
export default defineUnlistedScript(async () => {
  const reply = await send<EffectiveSettings>((m: Request) => browser.runtime.sendMessage(m), { type: 'rs:settings' }, 10_000);
  if (!reply.ok) throw new Error(reply.message);
  const managed = usableSettings((await browser.storage.managed?.get(null).catch(() => ({}))) ?? {});
  startRecorder(document, {
    lang: reply.value.settings.lang,
    systems: reply.value.settings.systems,
    managedIds: (managed.systems ?? []).map((s) => s.id),
    readLocal: async () => usableSettings((await browser.storage.local.get(LOCAL_KEY))[LOCAL_KEY] ?? {}),
    writeLocal: (settings) => browser.storage.local.set({ [LOCAL_KEY]: settings }),
  });
});
