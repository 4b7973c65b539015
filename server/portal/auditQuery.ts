import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { malaysiaDayStart } from '../../shared/time.js';
import type { PortalDeps } from './deps.js';
import { officerInScope, type Actor, type AuditRow } from './adminPortal.js';

/**
 * The audit page's query (issue 13): newest first, in pages keyed by sequence number (index-friendly
 * at any depth), narrowed by a date range (Malaysian days), the one who acted, the event and the
 * officer concerned; scoped to the actor's agency as before.
 */
export interface AuditFilter {
  nric?: string;
  /** YYYY-MM-DD, Malaysian days, both inclusive. */
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  /** Entries older than this sequence number (the next page). */
  before?: number;
}

export const AUDIT_PAGE_SIZE = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

export function parseAuditFilter(read: (name: string) => string | undefined): AuditFilter {
  const nric = (read('nric') ?? '').replace(/-/g, '').trim();
  const from = (read('from') ?? '').trim();
  const to = (read('to') ?? '').trim();
  const actor = (read('actor') ?? '').trim();
  const action = (read('action') ?? '').trim();
  const before = Number.parseInt(read('before') ?? '', 10);
  return {
    ...(nric ? { nric } : {}),
    ...(malaysiaDayStart(from) !== null ? { from } : {}),
    ...(malaysiaDayStart(to) !== null ? { to } : {}),
    ...(/^[\w:.@-]{1,80}$/.test(actor) ? { actor } : {}),
    ...(/^[a-z_]+\.[a-z_]+$/.test(action) ? { action } : {}),
    ...(Number.isFinite(before) && before > 0 ? { before } : {}),
  };
}

export async function queryAudit(deps: PortalDeps, actor: Actor, filter: AuditFilter, limit = AUDIT_PAGE_SIZE): Promise<{ rows: AuditRow[]; older: number | null }> {
  const { db } = deps;
  const { auditLog, certificates, officers, signingRequests } = db.t;
  if (filter.nric) await officerInScope(deps, actor, filter.nric);
  const parts: SQL[] = [];
  if (filter.nric || actor.agencyCode !== null) {
    const whose = filter.nric ? sql`select ${filter.nric}` : sql`select ${officers.nric} from ${officers} where ${officers.agencyCode} = ${actor.agencyCode}`;
    parts.push(
      or(
        sql`${auditLog.subject} in (${whose})`,
        sql`${auditLog.subject} in (select ${signingRequests.id} from ${signingRequests} where ${signingRequests.nric} in (${whose}))`,
        sql`${auditLog.subject} in (select ${certificates.serial} from ${certificates} where ${certificates.nric} in (${whose}))`,
      )!,
    );
  }
  const from = filter.from ? malaysiaDayStart(filter.from) : null;
  const to = filter.to ? malaysiaDayStart(filter.to) : null;
  if (from !== null) parts.push(gte(auditLog.at, from));
  if (to !== null) parts.push(lt(auditLog.at, to + DAY_MS));
  if (filter.actor) parts.push(eq(auditLog.actor, filter.actor));
  if (filter.action) parts.push(eq(auditLog.action, filter.action));
  if (filter.before) parts.push(lt(auditLog.seq, filter.before));
  const rows = await db.orm
    .select()
    .from(auditLog)
    .where(parts.length ? and(...parts) : undefined)
    .orderBy(desc(auditLog.seq))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, older: more ? (page.at(-1)?.seq ?? null) : null };
}

/**
 * Who acted, by name: `admin:<id>` is the administrator's name and role, a MyKad number the
 * officer's name; the system's own actors in words.
 */
export async function actorNames(deps: PortalDeps, actors: string[]): Promise<Map<string, string>> {
  const { admins, officers } = deps.db.t;
  const names = new Map<string, string>();
  const adminIds = [...new Set(actors.filter((a) => a.startsWith('admin:')).map((a) => a.slice(6)))];
  const nrics = [...new Set(actors.map((a) => a.replace(/^officer:/, '')).filter((a) => /^\d{12}$/.test(a)))];
  if (adminIds.length) for (const a of await deps.db.orm.select({ id: admins.id, name: admins.name, role: admins.role }).from(admins).where(inArray(admins.id, adminIds))) names.set(`admin:${a.id}`, `${a.name} (${a.role.toUpperCase()})`);
  if (nrics.length) {
    for (const o of await deps.db.orm.select({ nric: officers.nric, name: officers.name }).from(officers).where(inArray(officers.nric, nrics))) {
      names.set(o.nric, `${o.name} (${o.nric})`);
      names.set(`officer:${o.nric}`, `${o.name} (${o.nric})`);
    }
  }
  return names;
}

/** Administrators an actor may filter the audit log by (their agency's, or all nationally). */
export async function adminsInScope(deps: PortalDeps, actor: Actor): Promise<{ id: string; name: string }[]> {
  const { admins } = deps.db.t;
  return deps.db.orm
    .select({ id: admins.id, name: admins.name })
    .from(admins)
    .where(actor.agencyCode === null ? undefined : eq(admins.agencyCode, actor.agencyCode))
    .orderBy(admins.name)
    .limit(500);
}
