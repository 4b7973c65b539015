/**
 * Counts the SQLite statements the server runs, by their SQL text: which reads and writes one
 * flow step costs. Deterministic (unlike timings on a shared machine), so a cut shows as a number.
 * Works by wrapping better-sqlite3's Statement methods for the life of the process (bench only).
 */
import type Database from 'better-sqlite3';

export interface StatementCounter {
  /** Statements run since the last reset, by SQL text (whitespace folded). */
  take(): Map<string, number>;
}

export function countStatements(sqlite: Database.Database): StatementCounter {
  let counts = new Map<string, number>();
  const prototype = Object.getPrototypeOf(sqlite.prepare('select 1')) as Record<string, unknown>;
  for (const method of ['run', 'get', 'all', 'iterate', 'raw'] as const) {
    const original = prototype[method] as ((this: Database.Statement, ...args: unknown[]) => unknown) | undefined;
    if (typeof original !== 'function' || method === 'raw') continue;
    prototype[method] = function (this: Database.Statement, ...args: unknown[]) {
      const text = this.source.replace(/\s+/g, ' ').trim();
      counts.set(text, (counts.get(text) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
  return {
    take() {
      const taken = counts;
      counts = new Map();
      return taken;
    },
  };
}

/** "insert into audit_events ..." -> "insert audit_events"; the verb and the first table named. */
export function statementKind(text: string): string {
  const lower = text.toLowerCase();
  const verb = /^(select|insert|update|delete|begin|commit|rollback|savepoint|release|pragma|with)/.exec(lower)?.[1] ?? 'other';
  const table = /(?:from|into|update)\s+"?([a-z_]+)"?/.exec(lower)?.[1] ?? '';
  return `${verb} ${table}`.trim();
}
