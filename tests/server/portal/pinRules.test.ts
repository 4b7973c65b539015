import { describe, expect, it } from 'vitest';
import { checkPin, COMMON_PINS, type PinViolation } from '../../../server/portal/pinRules.js';

const NRIC = '900101011234';

describe('roaming PIN rules', () => {
  it.each<[string, string, PinViolation[]]>([
    ['583927', 'a good 6-digit PIN', []],
    ['58392741', 'a good 8-digit PIN', []],
    ['58392', 'too short', ['too_short']],
    ['5839274158392', 'too long (13 digits)', ['too_long']],
    ['58a927', 'letters', ['not_digits']],
    ['5839 27', 'a space', ['not_digits']],
    ['777777', 'one repeated digit', ['repeated']],
    ['000000', 'zeros (repeated and common)', ['repeated', 'common']],
    ['123456', 'ascending run', ['sequence']],
    ['987654', 'descending run', ['sequence']],
    ['3456789', 'longer ascending run', ['sequence']],
    ['123123', 'common', ['common']],
    ['112233', 'common', ['common']],
    ['121212', 'common', ['common']],
    ['011234', 'last six digits of the nric', ['from_nric']],
    ['01011234', 'eight digits of the nric', ['from_nric']],
    ['900101', 'birth date YYMMDD (also the nric start)', ['from_nric', 'birth_date']],
    ['010190', 'birth date DDMMYY', ['birth_date']],
    ['01011990', 'birth date DDMMYYYY', ['birth_date']],
  ])('%s (%s)', (pin, _label, expected) => {
    expect(checkPin(pin, NRIC)).toEqual(expected);
  });

  it('the two entries must match', () => {
    expect(checkPin('583927', NRIC, '583928')).toEqual(['mismatch']);
    expect(checkPin('583927', NRIC, '583927')).toEqual([]);
  });

  it('the blocklist holds at least 20 common PINs', () => {
    expect(COMMON_PINS.size).toBeGreaterThanOrEqual(20);
    for (const pin of ['123123', '112233', '121212', '000000']) expect(COMMON_PINS.has(pin)).toBe(true);
  });
});
