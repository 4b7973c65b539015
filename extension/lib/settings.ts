import { BUILT_IN_SYSTEMS } from '../../shared/builtInSystems.js';
import type { SystemDefinition } from '../../shared/siteRules.js';

/** What IT or the officer can set. Managed (enterprise policy) values win over local ones. */
export interface Settings {
  serverUrl: string;
  lang: 'ms' | 'en';
  /** Every system this browser signs for, with its screen rules: policy's, then the officer's, then the built-in ones. */
  systems: SystemDefinition[];
}

export type SettingKey = keyof Settings;
export type PartialSettings = Partial<Settings>;

export interface EffectiveSettings {
  settings: Settings;
  /** Keys set by policy: shown locked in the options page. */
  locked: SettingKey[];
}

/** Set by the extension's build (wxt.config.ts) from ROAMSIGN_PUBLIC_URL or PORT; absent in unit tests. */
declare const __ROAMSIGN_DEFAULT_SERVER__: string | undefined;

export const DEFAULT_SETTINGS: Settings = {
  serverUrl: typeof __ROAMSIGN_DEFAULT_SERVER__ === 'string' ? __ROAMSIGN_DEFAULT_SERVER__ : 'http://localhost:8787',
  lang: 'ms',
  systems: BUILT_IN_SYSTEMS,
};

/** By system id: a system given again replaces the earlier one whole (all its screens); new ones come first. */
function mergeSystems(...lists: (SystemDefinition[] | undefined)[]): SystemDefinition[] {
  const out: SystemDefinition[] = [];
  for (const list of lists) for (const system of Array.isArray(list) ? list : []) if (!out.some((s) => s.id === system.id)) out.push(system);
  return out;
}

/** defaults < local (options page) < managed (policy). */
export function mergeSettings(local: PartialSettings, managed: PartialSettings): EffectiveSettings {
  const settings: Settings = {
    serverUrl: (managed.serverUrl ?? local.serverUrl ?? DEFAULT_SETTINGS.serverUrl).replace(/\/+$/, ''),
    lang: managed.lang ?? local.lang ?? DEFAULT_SETTINGS.lang,
    systems: mergeSystems(managed.systems, local.systems, DEFAULT_SETTINGS.systems),
  };
  const locked = (['serverUrl', 'lang', 'systems'] as const).filter((key) => managed[key] !== undefined);
  return { settings, locked };
}

/** The storage areas settings are read from; `browser.storage` in the extension, fakes in unit tests. */
export interface SettingsStorage {
  local: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
  managed?: { get(key?: null): Promise<Record<string, unknown>> };
}

export const LOCAL_KEY = 'settings';

/**
 * Reads both areas; values that fail validation are dropped (policy cannot be refused on save, so
 * a bad managed value is ignored here and the options page shows why).
 */
export async function loadSettings(storage: SettingsStorage, validate: (input: unknown) => PartialSettings = (v) => v as PartialSettings): Promise<EffectiveSettings> {
  const local = validate((await storage.local.get(LOCAL_KEY))[LOCAL_KEY] ?? {});
  // No managed storage (no policy, or a browser without it) is the normal case.
  const managed = validate((await storage.managed?.get(null).catch(() => ({}))) ?? {});
  return mergeSettings(local, managed);
}
