import crypto from 'node:crypto';
import { asc, desc } from 'drizzle-orm';
import { columnPlaceholders, type Db } from '../db/client.js';
import { auditLog } from '../db/schema.js';

export interface AuditEntry {
  actor: string;
  action: string;
  subject?: string | null;
  details?: Record<string, unknown>;
}

export type ChainCheck = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number };

export interface AuditLog {
  /** Appends one entry chained to the previous one; call inside the state change's transaction. */
  append(entry: AuditEntry): void;
  /** Recomputes the whole chain. */
  verify(): ChainCheck;
}

const GENESIS = '0'.repeat(64);

/**
 * Append-only audit log: each entry carries HMAC-SHA256(key, previous hash ‖ entry), so editing,
 * inserting or removing any entry but the newest breaks every hash after it, and without the
 * server's key the chain cannot be recomputed.
 */
export function createAuditLog(options: { db: Db; key: Buffer; now: () => number }): AuditLog {
  const { db, key, now } = options;

  function entryHash(prevHash: string, seq: number, at: number, e: Required<AuditEntry>): string {
    const body = JSON.stringify([seq, at, e.actor, e.action, e.subject, e.details]);
    return crypto.createHmac('sha256', key).update(prevHash).update('\n').update(body).digest('hex');
  }

  // Prepared once: every state change appends, often several per request.
  const lastEntry = db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1).prepare();
  const insertEntry = db.insert(auditLog).values(columnPlaceholders(auditLog)).prepare();

  /** Reads the newest entry and chains the new one to it; must run inside a transaction. */
  function appendNow(e: Required<AuditEntry>): void {
    const last = lastEntry.get();
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS;
    const at = now();
    insertEntry.run({ seq, at, actor: e.actor, action: e.action, subject: e.subject, details: e.details, prevHash, hash: entryHash(prevHash, seq, at, e) });
  }
  const appendInOwnTransaction = db.$client.transaction(appendNow);

  return {
    append(entry) {
      const e: Required<AuditEntry> = {
        actor: entry.actor,
        action: entry.action,
        subject: entry.subject ?? null,
        details: entry.details ?? {},
      };
      // Inside the caller's (synchronous) transaction the read and the insert are already atomic;
      // alone, they get a transaction of their own.
      if (db.$client.inTransaction) appendNow(e);
      else appendInOwnTransaction(e);
    },

    verify() {
      let prevHash = GENESIS;
      let expectedSeq = 1;
      let entries = 0;
      for (const row of db.select().from(auditLog).orderBy(asc(auditLog.seq)).all()) {
        entries++;
        const hash = entryHash(prevHash, row.seq, row.at, {
          actor: row.actor,
          action: row.action,
          subject: row.subject,
          details: row.details,
        });
        if (row.seq !== expectedSeq || row.prevHash !== prevHash || row.hash !== hash) {
          return { ok: false, entries, brokenAt: row.seq };
        }
        prevHash = row.hash;
        expectedSeq++;
      }
      return { ok: true, entries };
    },
  };
}
