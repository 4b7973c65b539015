/**
 * The roaming PIN rules (issue 5): shown on every form that sets a PIN and enforced here, the one
 * place the portal checks a new PIN before handing it to the vault.
 */

export const PIN_MIN_LENGTH = 6;
export const PIN_MAX_LENGTH = 12;

export type PinViolation = 'mismatch' | 'not_digits' | 'too_short' | 'too_long' | 'repeated' | 'sequence' | 'common' | 'from_nric' | 'birth_date';

/** PINs guessed first (lists of leaked PINs): patterns the other rules do not already catch. */
export const COMMON_PINS: ReadonlySet<string> = new Set([
  '000000', '111111', '123123', '112233', '121212', '123321', '111222', '696969', '102030', '123654',
  '147258', '159753', '789456', '456123', '520520', '131313', '101010', '202020', '232323', '212121',
  '159357', '147369', '246810', '135790', '852456', '778899', '556677', '998877', '100200', '010203',
  '090909', '112211', '122333', '000123', '321321', '456456', '789789', '147147', '258258', '369369',
  '202122', '200000', '123000', '000111', '110011', '666999', '987987', '654654', '135135', '246246',
]);

function isRepeated(pin: string): boolean {
  return /^(\d)\1+$/.test(pin);
}

/** 123456 or 987654: every step +1, or every step -1 (no wrap-around). */
function isStraightRun(pin: string): boolean {
  for (const step of [1, -1]) {
    let run = true;
    for (let i = 1; i < pin.length && run; i++) run = Number(pin[i]) - Number(pin[i - 1]) === step;
    if (run) return true;
  }
  return false;
}

/** The birth date the MyKad number starts with (YYMMDD), in the forms people type it. */
function birthDateForms(nric: string): string[] {
  const yy = nric.slice(0, 2);
  const mm = nric.slice(2, 4);
  const dd = nric.slice(4, 6);
  // A two-digit year above this year's is last century.
  const century = Number(yy) > new Date().getFullYear() % 100 ? '19' : '20';
  return [`${yy}${mm}${dd}`, `${dd}${mm}${yy}`, `${mm}${dd}${yy}`, `${dd}${mm}${century}${yy}`, `${century}${yy}${mm}${dd}`];
}

/** Every rule the PIN breaks (empty when it may be used). `confirm` is the second entry, when the form has one. */
export function checkPin(pin: string, nric: string, confirm?: string): PinViolation[] {
  const violations: PinViolation[] = [];
  if (confirm !== undefined && confirm !== pin) violations.push('mismatch');
  if (!/^\d+$/.test(pin)) {
    violations.push('not_digits');
    return violations;
  }
  if (pin.length < PIN_MIN_LENGTH) violations.push('too_short');
  if (pin.length > PIN_MAX_LENGTH) violations.push('too_long');
  if (isRepeated(pin)) violations.push('repeated');
  if (isStraightRun(pin)) violations.push('sequence');
  if (COMMON_PINS.has(pin)) violations.push('common');
  const digits = nric.replace(/\D/g, '');
  if (pin.length >= PIN_MIN_LENGTH && digits.includes(pin)) violations.push('from_nric');
  if (digits.length === 12 && birthDateForms(digits).includes(pin)) violations.push('birth_date');
  return violations;
}
