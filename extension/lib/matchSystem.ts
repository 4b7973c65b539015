import { matchesAny } from '../../shared/matchPattern.js';
import type { ScreenRule, SystemDefinition } from '../../shared/siteRules.js';

/** The first system with screens whose URL patterns match this page, and those screens; pages no rule matches are never touched. */
export function matchSystem(systems: readonly SystemDefinition[], url: string): { system: SystemDefinition; screens: ScreenRule[] } | null {
  for (const system of systems) {
    const screens = system.screens.filter((s) => matchesAny(s.matches, url));
    if (screens.length) return { system, screens };
  }
  return null;
}
