import type { ScreenRule, SystemDefinition } from '../../../shared/siteRules.js';
import type { PartialSettings } from '../settings.js';
import { validateSettings } from '../settingsSchema.js';

/**
 * The officer's local settings with a recorded screen added to system `systemId` (the rule
 * recorder's "Simpan"): a screen with the same first URL pattern is replaced, the page's origin is
 * allowed. A system not yet saved locally starts from its current definition (built-in or policy's),
 * so its other screens are kept (a local system replaces one of the same id whole). Validated with
 * the shared schema, as the options page saves.
 */
export function addScreen(
  local: PartialSettings,
  current: readonly SystemDefinition[],
  systemId: string,
  rule: ScreenRule,
  origin: string,
): { ok: true; value: PartialSettings } | { ok: false; errors: string[] } {
  const systems = [...(local.systems ?? [])];
  const at = systems.findIndex((s) => s.id === systemId);
  const base: SystemDefinition = at >= 0 ? systems[at]! : (structuredClone(current.find((s) => s.id === systemId)) ?? { id: systemId, names: { ms: systemId, en: systemId }, allowedOrigins: [], screens: [] });
  const screens = base.screens.filter((s) => s.matches[0] !== rule.matches[0]);
  const system: SystemDefinition = {
    ...base,
    allowedOrigins: base.allowedOrigins.includes(origin) ? base.allowedOrigins : [...base.allowedOrigins, origin],
    screens: [rule, ...screens],
  };
  if (at >= 0) systems[at] = system;
  else systems.push(system);
  return validateSettings({ ...local, systems });
}
