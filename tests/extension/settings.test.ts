import { describe, expect, it } from 'vitest';
import { matchSystem } from '../../extension/lib/matchSystem.js';
import { DEFAULT_SETTINGS, loadSettings, mergeSettings } from '../../extension/lib/settings.js';
import { usableSettings, validateSettings } from '../../extension/lib/settingsSchema.js';
import { BUILT_IN_SYSTEMS } from '../../shared/builtInSystems.js';
import type { SystemDefinition } from '../../shared/siteRules.js';

const johor: SystemDefinition = {
  id: 'speks-johor',
  names: { ms: 'SPEKS Johor', en: 'SPEKS Johor' },
  allowedOrigins: ['http://speks.johor.gov.my:8080'],
  screens: [
    { matches: ['http://speks.johor.gov.my/baucer/*'], buttons: '.lulus', officer: '#user', fields: { noBaucer: '[name=noBaucer]' }, idField: 'noBaucer' },
    { matches: ['http://speks.johor.gov.my/jurnal/*'], buttons: '.sah', officer: '#user', fields: { noJurnal: '[name=noJurnal]', amaun: '[name=amaun]' }, idField: 'noJurnal', amountField: 'amaun' },
  ],
};

describe('settings', () => {
  it('managed values win over local ones, which win over defaults, and are reported locked', () => {
    const { settings, locked } = mergeSettings({ serverUrl: 'http://local:1/', lang: 'en' }, { serverUrl: 'https://managed.gov.my' });
    expect(settings.serverUrl).toBe('https://managed.gov.my');
    expect(settings.lang).toBe('en');
    expect(locked).toEqual(['serverUrl']);
    expect(mergeSettings({}, {}).settings).toEqual(DEFAULT_SETTINGS);
  });

  it('systems merge by id: a policy system comes first, one with a built-in id replaces it whole', () => {
    const igfmas = { ...BUILT_IN_SYSTEMS[0]!, screens: [{ ...BUILT_IN_SYSTEMS[0]!.screens[0]!, buttons: '#other' }] };
    const { settings, locked } = mergeSettings({ systems: [igfmas] }, { systems: [johor] });
    expect(settings.systems.map((s) => s.id)).toEqual(['speks-johor', 'igfmas', 'eperolehan', 'speks']);
    expect(settings.systems[1]!.screens[0]!.buttons).toBe('#other');
    expect(locked).toEqual(['systems']);
  });

  it('reads local and managed storage; a browser without managed storage is fine; a bad managed key is dropped alone', async () => {
    const local = { get: async () => ({ settings: { lang: 'en' } }), set: async () => undefined };
    const failing = { get: async () => Promise.reject(new Error('Managed storage manifest not found')) };
    expect((await loadSettings({ local, managed: failing }, usableSettings)).settings.lang).toBe('en');
    expect((await loadSettings({ local }, usableSettings)).locked).toEqual([]);
    const badPolicy = { get: async () => ({ serverUrl: 'https://managed.gov.my', systems: [{ id: 'x' }] }) };
    const loaded = await loadSettings({ local, managed: badPolicy }, usableSettings);
    expect(loaded.settings.serverUrl).toBe('https://managed.gov.my');
    expect(loaded.settings.systems).toEqual(BUILT_IN_SYSTEMS);
  });

  it.each([
    [{ serverUrl: 'ftp://x' }, 'serverUrl'],
    [{ serverUrl: 'not a url' }, 'serverUrl'],
    [{ lang: 'fr' }, 'lang'],
    [{ systems: [{ ...johor, id: 'Johor SPEKS' }] }, 'systems.0.id'],
    [{ systems: [johor, johor] }, 'listed twice'],
    [{ systems: [{ ...johor, screens: [] }] }, 'systems.0.screens'],
    [{ systems: [{ ...johor, allowedOrigins: ['http://speks.johor.gov.my/x'] }] }, 'systems.0.allowedOrigins.0'],
    [{ systems: [{ ...johor, screens: [{ ...johor.screens[0]!, buttons: '' }] }] }, 'systems.0.screens.0.buttons'],
    [{ systems: [{ ...johor, screens: [{ ...johor.screens[0]!, idField: 'noJurnal' }] }] }, 'systems.0.screens.0.idField: "noJurnal" is not one of the fields'],
    [{ systems: [{ ...johor, screens: [{ ...johor.screens[0]!, labels: { amaun: 'Amaun' } }] }] }, 'systems.0.screens.0.labels.amaun'],
    [{ systems: [{ ...johor, screens: [{ ...johor.screens[0]!, fields: { 'a=b': '#x' } }] }] }, 'systems.0.screens.0.fields'],
    [{ systems: [{ ...johor, screens: [{ ...johor.screens[0]!, matches: ['http://speks.johor.gov.my:8080/*'] }] }] }, 'a pattern has no port'],
    [{ systems: [{ ...johor, screens: [{ ...johor.screens[0]!, matches: ['ftp://speks.johor.gov.my/*'] }] }] }, 'scheme "ftp"'],
    [{ systems: [{ ...johor, screens: [{ ...johor.screens[0]!, batch: { rows: 'tr.dok' } }] }] }, 'systems.0.screens.0.batch.selected'],
    [{ systems: [{ ...johor, screens: [{ ...johor.screens[0]!, batch: { rows: 'tr.dok', selected: ' ', extra: 'x' } }] }] }, 'systems.0.screens.0.batch'],
    [{ extra: 1 }, 'settings'],
  ])('rejects %j naming %s', (input, field) => {
    const result = validateSettings(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join(' ')).toContain(field);
  });

  it('accepts a full valid set, and every built-in system passes the same schema', () => {
    expect(validateSettings({ serverUrl: 'https://roamsign.anm.gov.my', lang: 'ms', systems: [johor] })).toMatchObject({ ok: true });
    expect(validateSettings({ systems: BUILT_IN_SYSTEMS })).toMatchObject({ ok: true });
    // Kelulusan pukal: the row container and the "selected" test.
    const batch = { ...johor.screens[0]!, batch: { rows: 'tr.dok', selected: 'input[name=pilih]:checked' } };
    expect(validateSettings({ systems: [{ ...johor, screens: [batch] }] })).toMatchObject({ ok: true });
  });
});

describe('matching a page to a system and its screens', () => {
  it.each([
    ['http://127.0.0.1:8787/demo/igfmas/document/STH-1', 'igfmas'],
    ['https://igfmas.anm.gov.my/sth/doc?id=1', 'igfmas'],
    ['http://localhost:8787/demo/eperolehan?widget=1', 'eperolehan'],
    ['http://localhost:8787/demo/speks/baucer/BB-1', 'speks'],
    ['http://localhost:8787/docs', null],
    ['https://evil.example/igfmas', null],
  ])('%s -> %s', (url, system) => {
    expect(matchSystem(DEFAULT_SETTINGS.systems, url)?.system.id ?? null).toBe(system);
  });

  it('picks only the screens of the system whose patterns match, on any port', () => {
    const systems = mergeSettings({ systems: [johor] }, {}).settings.systems;
    const found = matchSystem(systems, 'http://speks.johor.gov.my:8080/jurnal/77');
    expect(found?.system.id).toBe('speks-johor');
    expect(found?.screens.map((s) => s.idField)).toEqual(['noJurnal']);
  });
});
