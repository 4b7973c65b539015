import { RoamSignError } from '../../shared/errors.js';
import type { Lang } from '../../shared/i18n/index.js';
import type { PinViolation } from './pinRules.js';
import { errorLines, pinViolationText } from './text.js';

/**
 * A refused officer form (issue 13): the summary lines for the top of the page and, for each field
 * a line is about, that field's own error, shown next to it.
 */
export interface Refusal {
  lines: string[];
  /** targets[i]: the form field (name) line i is about, if any. */
  targets: (string | undefined)[];
  /** Field name → its error text. */
  fields: Record<string, string>;
}

/** Which field a refusal reason (RoamSignError details.reason) is about. */
const REASON_FIELD: Record<string, string> = {
  unknown_system: 'system',
  bad_address: 'officeAddress',
  bad_phone: 'phone',
  bad_email: 'email',
  declaration_required: 'declaration',
};

/** Which field an error code is about, when the code alone says it. */
const CODE_FIELD: Record<string, string> = {
  otp_invalid: 'code',
  otp_expired: 'code',
  otp_attempts_exceeded: 'code',
  pin_invalid: 'oldPin',
};

export function refusalOf(lang: Lang, error: RoamSignError): Refusal {
  const lines = errorLines(lang, error);
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : null;
  if (reason === 'pin_rules' && Array.isArray(error.details?.violations)) {
    // The two PINs differing is about the confirmation; every other rule about the new PIN.
    const violations = error.details.violations as PinViolation[];
    const targets = violations.map((v) => (v === 'mismatch' ? 'pinConfirm' : 'pin'));
    const fields: Record<string, string> = {};
    violations.forEach((v, i) => {
      const name = targets[i]!;
      fields[name] = fields[name] ? `${fields[name]} ${pinViolationText(lang, v)}` : pinViolationText(lang, v);
    });
    return { lines, targets: [targets[0], ...targets], fields };
  }
  const name = (reason && REASON_FIELD[reason]) || CODE_FIELD[error.code];
  if (!name) return { lines, targets: [], fields: {} };
  return { lines, targets: [name], fields: { [name]: lines.join(' ') } };
}
