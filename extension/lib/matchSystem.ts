import { MatchPattern } from '@webext-core/match-patterns';
import { SYSTEMS, type SystemId } from '../../shared/systems.js';
import type { Settings } from './settings.js';

/** The system whose rule matches this URL, if any: pages no rule matches are never touched. */
export function matchSystem(rules: Settings['rules'], url: string): SystemId | null {
  for (const system of SYSTEMS) {
    for (const pattern of rules[system].matches) {
      try {
        if (new MatchPattern(pattern).includes(url)) return system;
      } catch {
        // An invalid pattern matches nothing.
      }
    }
  }
  return null;
}
