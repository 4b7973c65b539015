import crypto from 'node:crypto';
import { and, eq, gte, like, lt, sql } from 'drizzle-orm';
import type { AuditEntry, AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';

const MINUTE_MS = 60_000;

export interface TallyPolicy {
  /** Refusals per source and minute audited one by one (default 0); a minute with more is one row with its count. */
  listedPerMinute: number;
  /** Refusals per source and minute after which the source is refused at once (429). */
  limitPerMinute: number;
}

export type Tallied = { count: number; limited: boolean };

/**
 * Anonymous refusals (issue 17: a flood of unsigned gate posts or wrong client secrets wrote a
 * row each, half a million an hour from one client). Each is counted per kind, source and
 * minute in the limit hits (one cluster-wide count). By default (`listedPerMinute` 0) none is
 * audited on its own: each source's minute becomes exactly one row
 * `{ aggregate: true, source, minute, count }`, written once the minute is over (by the next
 * refusal of that kind, or by the sweeper within seconds). With `listedPerMinute` n, the first n
 * are audited as they are and the row comes only for a minute with more. Past `limitPerMinute`
 * the caller answers 429.
 */
export async function tallyRefusal(deps: { db: Db; audit: AuditLog; now: () => number }, options: { kind: string; source: string; entry: AuditEntry; policy: TallyPolicy }): Promise<Tallied> {
  const { db, audit, now } = deps;
  const { limitHits } = db.t;
  const { kind, source, entry, policy } = options;
  const at = now();
  const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
  const prefix = `tally:${kind}:`;
  await flushTallies(deps, { kind, before: minute, listedPerMinute: policy.listedPerMinute });
  return db.transaction(async () => {
    const key = `${prefix}${minute}:${source}`;
    await db.lock(`limit:${key}`);
    const [row] = await db.orm
      .select({ n: sql<number>`count(*)` })
      .from(limitHits)
      .where(and(eq(limitHits.key, key), gte(limitHits.at, minute)));
    const count = Number(row?.n ?? 0) + 1;
    await db.orm.insert(limitHits).values({ id: crypto.randomBytes(12).toString('base64url'), key, at });
    if (count <= policy.listedPerMinute) await audit.append({ ...entry, details: { ...entry.details, source } });
    return { count, limited: count > policy.limitPerMinute };
  });
}

/** The refusals of `kind` from `source` counted so far this minute. */
export async function tallyCount(db: Db, options: { kind: string; source: string; now: number }): Promise<number> {
  const { limitHits } = db.t;
  const minute = Math.floor(options.now / MINUTE_MS) * MINUTE_MS;
  const [row] = await db.orm
    .select({ n: sql<number>`count(*)` })
    .from(limitHits)
    .where(eq(limitHits.key, `tally:${options.kind}:${minute}:${options.source}`));
  return Number(row?.n ?? 0);
}

/** Who and what a closed minute's row names, from the tally's kind (`token`, `approval:<clientId>`). */
export function entryOfKind(kind: string): Pick<AuditEntry, 'actor' | 'action'> {
  if (kind.startsWith('approval:')) return { actor: `client:${kind.slice('approval:'.length)}`, action: 'approval.refused' };
  if (kind === 'token') return { actor: 'anonymous', action: 'token.refused' };
  return { actor: 'system', action: `${kind}.refused` };
}

/**
 * Writes the row of every closed minute (of `kind`, or of every kind) whose refusals were not all
 * listed, and forgets their counts. Run by the next refusal of the kind and by the sweeper, so a
 * minute's row is written within seconds of its end even when no other refusal comes.
 */
export async function flushTallies(deps: { db: Db; audit: AuditLog }, options: { kind?: string; before: number; listedPerMinute: number }): Promise<void> {
  const { db, audit } = deps;
  const { limitHits } = db.t;
  const prefix = options.kind === undefined ? 'tally:' : `tally:${options.kind}:`;
  const closed = await db.orm
    .select({ key: limitHits.key })
    .from(limitHits)
    .where(and(like(limitHits.key, `${prefix}%`), lt(limitHits.at, options.before)))
    .groupBy(limitHits.key);
  for (const { key } of closed) {
    const parts = /^tally:(.+?):(\d{10,}):(.*)$/s.exec(key);
    if (!parts) continue;
    const [, kind, minuteText, source] = parts as unknown as [string, string, string, string];
    await db.transaction(async () => {
      await db.lock(`limit:${key}`);
      const gone = await db.orm.delete(limitHits).where(eq(limitHits.key, key)).returning({ id: limitHits.id });
      // Another node flushed it first, or every refusal of the minute has its own row.
      if (gone.length === 0 || gone.length <= options.listedPerMinute) return;
      await audit.append({
        ...entryOfKind(kind),
        subject: null,
        details: { aggregate: true, source, minute: new Date(Number(minuteText)).toISOString(), count: gone.length, listed: options.listedPerMinute },
      });
    });
  }
}
