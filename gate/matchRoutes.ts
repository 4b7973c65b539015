import { TrieRouter } from 'hono/router/trie-router';
import type { GateConfig, GateRule, GateSystem } from './config.js';
import { pathReadings } from './requestTarget.js';

export interface RuleMatch {
  system: GateSystem;
  rule: GateRule;
}

/** A checked request target (requestTarget.ts) as a URL, for its query parameters. */
export function requestUrl(target: string): URL {
  return new URL(`http://gate.invalid${target.startsWith('/') ? target : `/${target}`}`);
}

/**
 * The path a back end would route, for matching: the first of its readings (requestTarget.ts,
 * decoded segment by segment, repeated and trailing slashes dropped, lower-cased).
 */
export function normalisedPath(target: string): string {
  return pathReadings(target.split('?')[0]!)[0]!;
}

/** A page that gets the widget: its system and the script tag's data-* attributes. */
export interface WidgetPage {
  system: GateSystem;
  attributes: Record<string, string>;
}

/** Finds the approval rule, and the widget pages, a request is for (Hono's trie router). */
export function createMatcher(config: GateConfig) {
  const approvals = new TrieRouter<RuleMatch>();
  const pages = new TrieRouter<WidgetPage>();
  for (const system of config.systems) {
    for (const rule of system.rules) approvals.add(rule.method === 'ANY' ? 'ALL' : rule.method, rule.path.toLowerCase(), { system, rule });
    const common = system.widget?.attributes ?? {};
    for (const page of system.widget?.pages ?? []) {
      const [path, own] = typeof page === 'string' ? [page, {}] : [page.path, page.attributes];
      pages.add('GET', path.toLowerCase(), { system, attributes: { 'data-system': system.id, ...common, ...own } });
    }
  }
  // Most traffic is GETs no rule names: they skip the URL work entirely.
  const ruleMethods = new Set(config.systems.flatMap((s) => s.rules.map((r) => r.method)));
  const anyMethod = ruleMethods.has('ANY');
  return {
    /** The approval rule for this method and checked target, if any: a rule applies when any reading of the path matches it. */
    approval(method: string, target: string): RuleMatch | undefined {
      const upper = method.toUpperCase();
      if (!anyMethod && !ruleMethods.has(upper as GateRule['method'])) return undefined;
      for (const path of pathReadings(target.split('?')[0]!)) {
        const found = approvals.match(upper, path)[0][0]?.[0];
        if (found) return found;
      }
      return undefined;
    },
    /** The widget this page gets, if any. */
    page(method: string, target: string): WidgetPage | undefined {
      if (method !== 'GET') return undefined;
      return pages.match('GET', normalisedPath(target))[0][0]?.[0];
    },
  };
}
