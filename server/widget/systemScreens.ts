import { builtInSystem } from '../../shared/builtInSystems.js';
import type { ScreenRule } from '../../shared/siteRules.js';
import type { SystemId } from '../../shared/systems.js';

/**
 * The screen rules the widget frame hands to pages of a system. Today the built-in systems'
 * (shared/builtInSystems.ts); once systems are registry data, the registry's, validated with
 * shared/schemas/systemRules.ts. Undefined for a system nobody registered.
 */
export function screensOf(system: SystemId): ScreenRule[] | undefined {
  return builtInSystem(system)?.screens;
}
