import { defineConfig } from 'wxt';
import { EXTENSION_KEY } from './extension/identity';
import { defaultServerUrl } from './shared/defaultServerUrl';


// The MV3 extension (extension/) is built by WXT from this configuration.
export default defineConfig({
  // One promise-based `browser.*` in Chromium and Firefox: wxt/browser imports webextension-polyfill.
  modules: ['@wxt-dev/webextension-polyfill'],
  srcDir: 'extension',
  outDir: 'dist/extension',
  publicDir: 'extension/public',
  // The dialog, options and popup are Preact; its JSX runtime stands in for React's.
  vite: () => ({
    resolve: { alias: { 'react/jsx-runtime': 'preact/jsx-runtime', 'react/jsx-dev-runtime': 'preact/jsx-dev-runtime' } },
    // The default server address follows the server's own rule in the build's environment (issue 23 item 2).
    define: { __ROAMSIGN_DEFAULT_SERVER__: JSON.stringify(defaultServerUrl(process.env)) },
  }),
  manifest: ({ browser }) => ({
    name: 'RoamSign',
    description: 'Tandatangan digital Roaming + OTP pada skrin iGFMAS, ePerolehan dan SPEKS, tanpa token dan tanpa ejen.',
    ...(browser === 'chrome' ? { key: EXTENSION_KEY } : { browser_specific_settings: { gecko: { id: 'roamsign@anm.gov.my' } } }),
    // scripting: the rule recorder is injected into one tab on demand (Firefox's MV2 uses tabs.executeScript).
    permissions: browser === 'firefox' ? ['storage'] : ['storage', 'scripting'],
    // The server address is configurable, and site rules may name any host.
    host_permissions: ['http://*/*', 'https://*/*'],
    storage: { managed_schema: 'managed_schema.json' },
    // The dialog may be framed on any host a rule matches, and rules are data (policy, options):
    // so on every http(s) host, never a rebuild. Chromium serves it under a per-session dynamic
    // id (use_dynamic_url), so pages cannot probe for the extension with a fixed URL.
    web_accessible_resources:
      browser === 'firefox'
        ? (['dialog.html'] as unknown as { resources: string[]; matches: string[] }[])
        : [{ resources: ['dialog.html'], matches: ['http://*/*', 'https://*/*'], use_dynamic_url: true }],
  }),
});
