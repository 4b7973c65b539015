import { describe, expect, it } from 'vitest';
import { matchesAny, parseMatchPattern } from '../../shared/matchPattern.js';

describe('match patterns: one implementation validates and matches', () => {
  it.each([
    ['https://speks.agency.gov.my/*', 'https://speks.agency.gov.my/baucer?id=1', true],
    ['https://speks.agency.gov.my/*', 'http://speks.agency.gov.my/baucer', false],
    ['*://*.agency.gov.my/*', 'http://speks.agency.gov.my:8080/x', true],
    ['*://*.agency.gov.my/*', 'https://agency.gov.my/x', true],
    ['*://*/demo/igfmas*', 'http://127.0.0.1:8787/demo/igfmas/document/STH-1?widget=1', true],
    ['http://intranet.test/sah/*', 'http://intranet.test/sah/2', true],
    ['http://intranet.test/sah/*', 'http://intranet.test/lulus/2', false],
    ['<all_urls>', 'https://any.example/', true],
  ])('%s matches %s: %s', (pattern, url, expected) => {
    const parsed = parseMatchPattern(pattern);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.includes(url)).toBe(expected);
  });

  it.each([
    ['http://speks.agency.gov.my:8080/*', 'no port', 'http://speks.agency.gov.my/*'],
    ['speks.agency.gov.my/*', 'scheme://host/path', ''],
    ['ftp://files.gov.my/*', 'scheme "ftp"', ''],
    ['https://speks.agency.gov.my', 'no path', ''],
    ['https:///x', 'no host', ''],
    ['https://sp*ks.gov.my/*', 'wildcard', ''],
  ])('refuses %s saying why (%s)', (pattern, reason, hint) => {
    const parsed = parseMatchPattern(pattern);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toContain(reason);
      if (hint) expect(parsed.reason).toContain(hint);
    }
  });

  it('an invalid pattern matches nothing, and a URL that is not one matches nothing', () => {
    expect(matchesAny(['http://x.gov.my:81/*'], 'http://x.gov.my:81/a')).toBe(false);
    expect(matchesAny(['<all_urls>'], 'not a url')).toBe(false);
  });
});
