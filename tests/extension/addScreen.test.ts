import { describe, expect, it } from 'vitest';
import { addScreen } from '../../extension/lib/recorder/addScreen.js';
import { BUILT_IN_SYSTEMS } from '../../shared/builtInSystems.js';
import type { ScreenRule } from '../../shared/siteRules.js';

// The rule recorder's "Simpan" (issue 18 part 5): a recorded screen into the officer's local settings.

const rule: ScreenRule = {
  matches: ['http://legacy.intranet.test/webforms*'],
  buttons: 'a[id$=_lnkLulus]',
  officer: '#ctl00_lblPengguna',
  container: 'tr',
  fields: { noPesanan: 'span[id$=_lblNoPesanan]', amaun: 'span[id$=_lblAmaun]' },
  idField: 'noPesanan',
  amountField: 'amaun',
};
const origin = 'http://legacy.intranet.test:8080';

describe('addScreen', () => {
  it('a built-in system not yet saved locally keeps its screens; the recorded one comes first and the origin is allowed', () => {
    const result = addScreen({ serverUrl: 'http://localhost:8787' }, BUILT_IN_SYSTEMS, 'speks', rule, origin);
    if (!result.ok) throw new Error(result.errors.join('; '));
    const speks = result.value.systems!.find((s) => s.id === 'speks')!;
    const builtIn = BUILT_IN_SYSTEMS.find((s) => s.id === 'speks')!;
    expect(speks.screens).toEqual([rule, ...builtIn.screens]);
    expect(speks.allowedOrigins).toEqual([...builtIn.allowedOrigins, origin]);
    expect(speks.names).toEqual(builtIn.names);
    expect(result.value.serverUrl).toBe('http://localhost:8787');
  });

  it('recording the same screen again replaces it (same first pattern); the origin is listed once', () => {
    const first = addScreen({}, [], 'sistem-baru', rule, origin);
    if (!first.ok) throw new Error(first.errors.join('; '));
    expect(first.value.systems).toEqual([{ id: 'sistem-baru', names: { ms: 'sistem-baru', en: 'sistem-baru' }, allowedOrigins: [origin], screens: [rule] }]);
    const again = addScreen(first.value, [], 'sistem-baru', { ...rule, buttons: 'a.lulus' }, origin);
    if (!again.ok) throw new Error(again.errors.join('; '));
    expect(again.value.systems![0]!.screens).toEqual([{ ...rule, buttons: 'a.lulus' }]);
    expect(again.value.systems![0]!.allowedOrigins).toEqual([origin]);
  });

  it('refuses what the shared schema refuses, naming where: a bad system id, a rule whose idField is no field', () => {
    const badId = addScreen({}, [], 'Sistem Baru!', rule, origin);
    expect(badId.ok).toBe(false);
    if (!badId.ok) expect(badId.errors.join('\n')).toMatch(/^systems\.0\.id: /m);
    const badRule = addScreen({}, [], 'sistem-baru', { ...rule, idField: 'tiada' }, origin);
    expect(badRule.ok).toBe(false);
    if (!badRule.ok) expect(badRule.errors.join('\n')).toContain('systems.0.screens.0.idField: "tiada" is not one of the fields');
  });
});
