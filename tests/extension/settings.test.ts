import { describe, expect, it } from 'vitest';
import { matchSystem } from '../../extension/lib/matchSystem.js';
import { DEFAULT_SETTINGS, loadSettings, mergeSettings } from '../../extension/lib/settings.js';
import { validateSettings } from '../../extension/lib/settingsSchema.js';

describe('settings', () => {
  it('managed values win over local ones, which win over defaults, and are reported locked', () => {
    const { settings, locked } = mergeSettings({ serverUrl: 'http://local:1/', lang: 'en' }, { serverUrl: 'https://managed.gov.my' });
    expect(settings.serverUrl).toBe('https://managed.gov.my');
    expect(settings.lang).toBe('en');
    expect(locked).toEqual(['serverUrl']);
    expect(mergeSettings({}, {}).settings).toEqual(DEFAULT_SETTINGS);
  });

  it('rules merge per system and per field', () => {
    const { settings } = mergeSettings({ rules: { igfmas: { buttons: '#a' } } }, { rules: { igfmas: { officer: '#who' } } });
    expect(settings.rules.igfmas).toMatchObject({ buttons: '#a', officer: '#who', idField: 'noDokumen' });
    expect(settings.rules.speks).toEqual(DEFAULT_SETTINGS.rules.speks);
  });

  it('reads local and managed storage; a browser without managed storage is fine', async () => {
    const local = { get: async () => ({ settings: { lang: 'en' } }), set: async () => undefined };
    const failing = { get: async () => Promise.reject(new Error('Managed storage manifest not found')) };
    expect((await loadSettings({ local, managed: failing })).settings.lang).toBe('en');
    expect((await loadSettings({ local })).locked).toEqual([]);
  });

  it.each([
    [{ serverUrl: 'ftp://x' }, 'serverUrl'],
    [{ serverUrl: 'not a url' }, 'serverUrl'],
    [{ lang: 'fr' }, 'lang'],
    [{ rules: { sap: {} } }, 'rules'],
    [{ rules: { igfmas: { buttons: '' } } }, 'rules.igfmas.buttons'],
    [{ rules: { igfmas: { matches: [] } } }, 'rules.igfmas.matches'],
    [{ extra: 1 }, 'settings'],
  ])('rejects %j naming %s', (input, field) => {
    const result = validateSettings(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join(' ')).toContain(field);
  });

  it('accepts a full valid set', () => {
    expect(validateSettings({ serverUrl: 'https://roamsign.anm.gov.my', lang: 'ms', rules: { speks: { buttons: '#x', matches: ['https://speks.anm.gov.my/*'] } } }).ok).toBe(true);
  });
});

describe('matching a page to a system', () => {
  it.each([
    ['http://127.0.0.1:8787/demo/igfmas/document/STH-1', 'igfmas'],
    ['https://igfmas.anm.gov.my/sth/doc?id=1', 'igfmas'],
    ['http://localhost:8787/demo/eperolehan?widget=1', 'eperolehan'],
    ['http://localhost:8787/demo/speks/baucer/BB-1', 'speks'],
    ['http://localhost:8787/docs', null],
    ['https://evil.example/igfmas', null],
  ])('%s -> %s', (url, system) => {
    expect(matchSystem(DEFAULT_SETTINGS.rules, url)).toBe(system);
  });

  it('an invalid pattern matches nothing instead of failing', () => {
    const rules = { ...DEFAULT_SETTINGS.rules, igfmas: { ...DEFAULT_SETTINGS.rules.igfmas, matches: ['not a pattern'] } };
    expect(matchSystem(rules, 'https://igfmas.anm.gov.my/x')).toBeNull();
  });
});
