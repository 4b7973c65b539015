import { TrieRouter } from 'hono/router/trie-router';
import type { GateConfig, GateRule, GateSystem } from './config.js';

export interface RuleMatch {
  system: GateSystem;
  rule: GateRule;
}

/** A request target as a URL: an origin-form target ("/a//b") is a path, never a scheme-relative URL ("//host/b"). */
export function requestUrl(rawUrl: string): URL {
  return new URL(rawUrl.startsWith('/') ? `http://gate.invalid${rawUrl}` : rawUrl);
}

/**
 * The path a back end would route, for matching: dot segments resolved and backslashes turned to
 * slashes (WHATWG URL parsing), each segment percent-decoded, repeated and trailing slashes
 * dropped, `;path-parameters` dropped, lower-cased (some back ends ignore case). So `//STH/%61pprove/` cannot slip past a
 * rule for `/sth/approve`: matching more paths only means checking more posts.
 */
export function normalisedPath(rawUrl: string): string {
  let pathname: string;
  try {
    pathname = requestUrl(rawUrl).pathname;
  } catch {
    return rawUrl;
  }
  const segments = pathname.split('/').map((segment) => {
    // Path parameters (`approve;jsessionid=…`) are dropped, as servlet containers route without them.
    const bare = segment.split(';')[0]!;
    try {
      return decodeURIComponent(bare).split(';')[0]!;
    } catch {
      return bare;
    }
  });
  return `/${segments.filter((s) => s !== '').join('/')}`.toLowerCase();
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
    /** The approval rule for this method and URL, if any. */
    approval(method: string, rawUrl: string): RuleMatch | undefined {
      const upper = method.toUpperCase();
      if (!anyMethod && !ruleMethods.has(upper as GateRule['method'])) return undefined;
      return approvals.match(upper, normalisedPath(rawUrl))[0][0]?.[0];
    },
    /** The widget this page gets, if any. */
    page(method: string, rawUrl: string): WidgetPage | undefined {
      if (method !== 'GET') return undefined;
      return pages.match('GET', normalisedPath(rawUrl))[0][0]?.[0];
    },
  };
}
