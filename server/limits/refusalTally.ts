import crypto from 'node:crypto';
import { and, eq, gte, like, lt, sql } from 'drizzle-orm';
import type { AuditEntry, AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';

const MINUTE_MS = 60_000;

export interface TallyPolicy {
  /** Refusals per source and minute audited one by one; the rest of that minute is one row with a count. */
  listedPerMinute: number;
  /** Refusals per source and minute after which the source is refused at once (429). */
  limitPerMinute: number;
}

export type Tallied = { count: number; limited: boolean };

/**
 * Anonymous refusals (issue 17: a flood of unsigned gate posts or wrong client secrets wrote a
 * row each, half a million an hour from one client). Each is counted per kind, source and
 * minute in the limit hits (one cluster-wide count); the first `listedPerMinute` are audited as
 * they are, the rest of the minute becomes one row `{ aggregate: true, source, minute, count }`
 * (count: every refusal of that source in that minute), written once the minute is over, by the
 * next refusal of that kind from anyone. Past `limitPerMinute` the caller answers 429.
 */
export async function tallyRefusal(deps: { db: Db; audit: AuditLog; now: () => number }, options: { kind: string; source: string; entry: AuditEntry; policy: TallyPolicy }): Promise<Tallied> {
  const { db, audit, now } = deps;
  const { limitHits } = db.t;
  const { kind, source, entry, policy } = options;
  const at = now();
  const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
  const prefix = `tally:${kind}:`;
  await flushTallies(deps, { kind, before: minute, entry, policy });
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

/** Writes the summary row of every closed minute of `kind` whose refusals were not all listed, and forgets their counts. */
export async function flushTallies(deps: { db: Db; audit: AuditLog; now: () => number }, options: { kind: string; before: number; entry: AuditEntry; policy: TallyPolicy }): Promise<void> {
  const { db, audit } = deps;
  const { limitHits } = db.t;
  const prefix = `tally:${options.kind}:`;
  const closed = await db.orm
    .select({ key: limitHits.key, n: sql<number>`count(*)` })
    .from(limitHits)
    .where(and(like(limitHits.key, `${prefix}%`), lt(limitHits.at, options.before)))
    .groupBy(limitHits.key);
  for (const { key, n } of closed) {
    await db.transaction(async () => {
      await db.lock(`limit:${key}`);
      const gone = await db.orm.delete(limitHits).where(eq(limitHits.key, key)).returning({ id: limitHits.id });
      // Another node flushed it first.
      if (gone.length === 0 || gone.length <= options.policy.listedPerMinute) return;
      const rest = key.slice(prefix.length);
      const cut = rest.indexOf(':');
      const minute = Number(rest.slice(0, cut));
      await audit.append({
        actor: options.entry.actor,
        action: options.entry.action,
        subject: null,
        details: { aggregate: true, source: rest.slice(cut + 1), minute: new Date(minute).toISOString(), count: gone.length, listed: options.policy.listedPerMinute },
      });
    });
    void n;
  }
}
