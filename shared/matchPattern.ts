import { MatchPattern } from '@webext-core/match-patterns';

/**
 * URL match patterns (the WebExtension syntax: `https://host/*`, `*://*.agency.gov.my/*`,
 * `<all_urls>`). One implementation decides both whether a pattern is valid and what it matches,
 * so a pattern is either refused with the reason or works.
 */
export type ParsedPattern = { ok: true; includes(url: string): boolean } | { ok: false; reason: string };

export function parseMatchPattern(pattern: string): ParsedPattern {
  if (pattern !== '<all_urls>') {
    const scheme = /^([^:/]*):\/\//.exec(pattern)?.[1];
    if (scheme === undefined) return { ok: false, reason: 'expected scheme://host/path, for example https://speks.agency.gov.my/*' };
    if (!['*', 'http', 'https'].includes(scheme)) return { ok: false, reason: `scheme "${scheme}" is not http, https or *` };
    const host = /^[^:/]*:\/\/([^/]*)/.exec(pattern)?.[1] ?? '';
    // Browsers' match patterns have no port: a pattern matches the host on every port.
    if (host.includes(':')) {
      const path = pattern.slice(scheme.length + 3 + host.length) || '/*';
      return { ok: false, reason: `a pattern has no port: it matches every port of the host (write ${scheme}://${host.replace(/:.*$/, '')}${path})` };
    }
    if (host === '') return { ok: false, reason: 'no host (use * for any host)' };
    if (!/^[^:]*:\/\/[^/]*\//.test(pattern)) return { ok: false, reason: 'no path: end the pattern with /* to match every page of the host' };
  }
  let parsed: MatchPattern;
  try {
    parsed = new MatchPattern(pattern);
  } catch (error) {
    return { ok: false, reason: String((error as Error).message).replace(/^Invalid match pattern "[^"]*": /, '') };
  }
  return {
    ok: true,
    includes(url: string) {
      try {
        return parsed.includes(url);
      } catch {
        return false; // not a URL at all
      }
    },
  };
}

/** Whether any of the patterns matches the URL; invalid patterns (refused at validation) match nothing. */
export function matchesAny(patterns: readonly string[], url: string): boolean {
  return patterns.some((p) => {
    const parsed = parseMatchPattern(p);
    return parsed.ok && parsed.includes(url);
  });
}
