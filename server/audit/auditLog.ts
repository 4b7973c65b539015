import crypto from 'node:crypto';
import { asc, desc, gt } from 'drizzle-orm';
import type { Db } from '../db/database.js';

export interface AuditEntry {
  actor: string;
  action: string;
  subject?: string | null;
  details?: Record<string, unknown>;
}

export type ChainCheck = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number };

export interface AuditLog {
  /**
   * Appends one entry chained to the previous one. Inside a transaction the entry is written when
   * that transaction commits, and only if it does; alone, it gets a transaction of its own.
   */
  append(entry: AuditEntry): Promise<void>;
  /** Recomputes the whole chain, a page at a time (constant memory). */
  verify(): Promise<ChainCheck>;
}

const GENESIS = '0'.repeat(64);
/** Rows read per page by verify(). */
const VERIFY_PAGE = 2000;

type Pending = Required<AuditEntry> & { at: number };

/**
 * Append-only audit log: each entry carries HMAC-SHA256(key, previous hash ‖ entry), so editing,
 * inserting or removing any entry but the newest breaks every hash after it, and without the
 * server's key the chain cannot be recomputed.
 *
 * One chain across every node: the writer takes the chain lock (db.lock) as the last step of its
 * transaction, reads the head and links to it, so concurrent writers queue instead of forking.
 */
export function createAuditLog(options: { db: Db; key: Buffer; now: () => number }): AuditLog {
  const { db, key, now } = options;
  const { auditLog } = db.t;

  function entryHash(prevHash: string, seq: number, at: number, e: Required<AuditEntry>): string {
    const body = JSON.stringify([seq, at, e.actor, e.action, e.subject, e.details]);
    return crypto.createHmac('sha256', key).update(prevHash).update('\n').update(body).digest('hex');
  }

  /** Links the entries to the chain's head; runs inside a transaction, as its last step. */
  async function write(entries: Pending[]): Promise<void> {
    if (entries.length === 0) return;
    await db.lock('audit-chain');
    const [last] = await db.orm.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    let seq = last?.seq ?? 0;
    let prevHash = last?.hash ?? GENESIS;
    const rows = entries.map((e) => {
      seq++;
      const hash = entryHash(prevHash, seq, e.at, e);
      const row = { seq, at: e.at, actor: e.actor, action: e.action, subject: e.subject, details: e.details, prevHash, hash };
      prevHash = hash;
      return row;
    });
    await db.orm.insert(auditLog).values(rows);
  }

  return {
    async append(entry) {
      const e: Pending = {
        actor: entry.actor,
        action: entry.action,
        subject: entry.subject ?? null,
        details: entry.details ?? {},
        at: now(),
      };
      if (!db.inTransaction()) return db.transaction(() => write([e]));
      const pending = db.txLocal('audit', (onCommit) => {
        const list: Pending[] = [];
        onCommit(() => write(list));
        return list;
      });
      pending.push(e);
    },

    async verify() {
      let prevHash = GENESIS;
      let expectedSeq = 1;
      let entries = 0;
      for (;;) {
        const page = await db.orm
          .select()
          .from(auditLog)
          .where(gt(auditLog.seq, expectedSeq - 1))
          .orderBy(asc(auditLog.seq))
          .limit(VERIFY_PAGE);
        for (const row of page) {
          entries++;
          const hash = entryHash(prevHash, row.seq, row.at, { actor: row.actor, action: row.action, subject: row.subject, details: row.details });
          if (row.seq !== expectedSeq || row.prevHash !== prevHash || row.hash !== hash) return { ok: false, entries, brokenAt: row.seq };
          prevHash = row.hash;
          expectedSeq++;
        }
        if (page.length < VERIFY_PAGE) return { ok: true, entries };
      }
    },
  };
}
