import type { browser as Api } from 'wxt/browser';

/** The recorder's script in the extension (WXT builds extension/entrypoints/recorder.ts to it). */
export const RECORDER_SCRIPT = '/recorder.js';

/** Shows the rule recorder on a tab's top frame: `scripting` in Chromium (MV3), `tabs.executeScript` in Firefox (MV2). */
export async function injectRecorder(browser: typeof Api, tabId: number): Promise<void> {
  const api = browser as unknown as {
    scripting?: { executeScript(o: { target: { tabId: number }; files: string[] }): Promise<unknown> };
    tabs: { executeScript?(tabId: number, o: { file: string }): Promise<unknown> };
  };
  if (api.scripting) await api.scripting.executeScript({ target: { tabId }, files: [RECORDER_SCRIPT] });
  else if (api.tabs.executeScript) await api.tabs.executeScript(tabId, { file: RECORDER_SCRIPT });
  else throw new Error('no way to run a script in the tab');
}
