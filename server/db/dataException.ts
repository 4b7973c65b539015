import { RoamSignError } from '../../shared/errors.js';

/**
 * A value the database itself refused as data (PostgreSQL SQLSTATE class 22: a NUL byte in text,
 * a number out of range, text too long): the caller's bad input, so a 400, never a 500. SQLite
 * stores such values as they are. Drizzle wraps the driver's error; its cause carries the code.
 */
export function badInputFromDatabase(error: unknown): RoamSignError | null {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) return new RoamSignError('bad_request', { reason: 'bad_value' });
  }
  return null;
}
