import { RoamSignError } from '../../shared/errors.js';

/**
 * A value the database itself refused as data (PostgreSQL SQLSTATE class 22: a NUL byte in text,
 * a number out of range, text too long): the caller's bad input, so a 400, never a 500. SQLite
 * stores such values as they are, so the API's schemas refuse control characters first
 * (`textSchema`); this is the net for what they do not cover (a NUL in a path segment). The
 * handlers log each mapping, so a server bug that writes an impossible value still shows. Drizzle
 * wraps the driver's error; its cause carries the code.
 */
export function badInputFromDatabase(error: unknown): RoamSignError | null {
  // What the server already named (an `internal` wrapping the driver's error) keeps its name.
  if (error instanceof RoamSignError) return null;
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) return new RoamSignError('bad_request', { reason: 'bad_value' });
  }
  return null;
}
