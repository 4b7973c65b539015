import { TrieRouter } from 'hono/router/trie-router';
import type { GateConfig, GateRule, GateSystem } from './config.js';

export interface RuleMatch {
  system: GateSystem;
  rule: GateRule;
}

/**
 * The path a back end would route, for matching: dot segments resolved and backslashes turned to
 * slashes (WHATWG URL parsing), each segment percent-decoded, repeated and trailing slashes
 * dropped, lower-cased (some back ends ignore case). So `//STH/%61pprove/` cannot slip past a
 * rule for `/sth/approve`: matching more paths only means checking more posts.
 */
export function normalisedPath(rawUrl: string): string {
  let pathname: string;
  try {
    pathname = new URL(rawUrl, 'http://gate.invalid').pathname;
  } catch {
    return rawUrl;
  }
  const segments = pathname.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
  return `/${segments.filter((s) => s !== '').join('/')}`.toLowerCase();
}

/** Finds the approval rule, and the widget pages, a request is for (Hono's trie router). */
export function createMatcher(config: GateConfig) {
  const approvals = new TrieRouter<RuleMatch>();
  const pages = new TrieRouter<GateSystem>();
  for (const system of config.systems) {
    for (const rule of system.rules) approvals.add(rule.method === 'ANY' ? 'ALL' : rule.method, rule.path.toLowerCase(), { system, rule });
    for (const page of system.widget?.pages ?? []) pages.add('GET', page.toLowerCase(), system);
  }
  return {
    /** The approval rule for this method and URL, if any. */
    approval(method: string, rawUrl: string): RuleMatch | undefined {
      return approvals.match(method.toUpperCase(), normalisedPath(rawUrl))[0][0]?.[0];
    },
    /** The system whose widget belongs on this page, if any. */
    page(method: string, rawUrl: string): GateSystem | undefined {
      if (method !== 'GET') return undefined;
      return pages.match('GET', normalisedPath(rawUrl))[0][0]?.[0];
    },
  };
}
