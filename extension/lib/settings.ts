import { DEFAULT_SITE_RULES, type SiteRule } from '../../shared/siteRules.js';
import { SYSTEMS, type SystemId } from '../../shared/systems.js';

/** What IT or the officer can set. Managed (enterprise policy) values win over local ones. */
export interface Settings {
  serverUrl: string;
  lang: 'ms' | 'en';
  rules: Record<SystemId, SiteRule>;
}

export type SettingKey = keyof Settings;
export type PartialSettings = Partial<Omit<Settings, 'rules'>> & { rules?: Partial<Record<SystemId, Partial<SiteRule>>> };

export interface EffectiveSettings {
  settings: Settings;
  /** Keys set by policy: shown locked in the options page. */
  locked: SettingKey[];
}

export const DEFAULT_SETTINGS: Settings = {
  serverUrl: 'http://localhost:8787',
  lang: 'ms',
  rules: DEFAULT_SITE_RULES,
};

function mergeRules(base: Settings['rules'], over: PartialSettings['rules']): Settings['rules'] {
  const out = { ...base };
  for (const system of SYSTEMS) {
    const o = over?.[system];
    if (o && typeof o === 'object') out[system] = { ...out[system], ...o };
  }
  return out;
}

/** defaults < local (options page) < managed (policy). */
export function mergeSettings(local: PartialSettings, managed: PartialSettings): EffectiveSettings {
  const settings: Settings = {
    serverUrl: managed.serverUrl ?? local.serverUrl ?? DEFAULT_SETTINGS.serverUrl,
    lang: managed.lang ?? local.lang ?? DEFAULT_SETTINGS.lang,
    rules: mergeRules(mergeRules(DEFAULT_SETTINGS.rules, local.rules), managed.rules),
  };
  settings.serverUrl = settings.serverUrl.replace(/\/+$/, '');
  const locked = (['serverUrl', 'lang', 'rules'] as const).filter((key) => managed[key] !== undefined);
  return { settings, locked };
}

/** The storage areas settings are read from; `browser.storage` in the extension, fakes in unit tests. */
export interface SettingsStorage {
  local: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
  managed?: { get(key?: null): Promise<Record<string, unknown>> };
}

export const LOCAL_KEY = 'settings';

export async function loadSettings(storage: SettingsStorage): Promise<EffectiveSettings> {
  const local = ((await storage.local.get(LOCAL_KEY))[LOCAL_KEY] ?? {}) as PartialSettings;
  // No managed storage (no policy, or a browser without it) is the normal case.
  const managed = ((await storage.managed?.get(null).catch(() => ({}))) ?? {}) as PartialSettings;
  return mergeSettings(local, managed);
}
