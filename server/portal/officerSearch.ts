import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Officer } from '../registry/officers.js';
import type { PortalDeps } from './deps.js';
import type { Actor } from './adminPortal.js';

/**
 * The console's officer search (issue 13: 100,000 officers): filters, sort and paging run in the
 * database, on indexed columns where the filter allows (officers_agency_name, officers_name,
 * officers_email, officers_status, officers_import_batch), the same SQL on SQLite and PostgreSQL.
 */
export const OFFICER_FILTER_STATUSES = ['active', 'suspended', 'retired', 'closed', 'locked', 'unverified'] as const;
export type OfficerFilterStatus = (typeof OFFICER_FILTER_STATUSES)[number];
export const OFFICER_SORTS = ['name', 'nric', 'email', 'created'] as const;
export type OfficerSort = (typeof OFFICER_SORTS)[number];
export const PAGE_SIZE = 50;

export interface OfficerQuery {
  /** MyKad number (digits, a prefix is enough), else a piece of the name or the e-mail. */
  q?: string;
  status?: OfficerFilterStatus;
  medium?: 'roaming' | 'token';
  agency?: string;
  importBatch?: string;
  sort?: OfficerSort;
  dir?: 'asc' | 'desc';
  /** 1-based. */
  page?: number;
}

export interface OfficerPage {
  rows: Officer[];
  /** At most COUNT_CAP; `capped` when there are more. */
  total: number;
  capped: boolean;
  page: number;
  /** When capped: this page, and the next if there is one. */
  pages: number;
  more: boolean;
}

/** Reads the query string leniently: an unknown value is ignored, never an error. */
export function parseOfficerQuery(read: (name: string) => string | undefined): OfficerQuery {
  const pickOf = <T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined => (allowed as readonly string[]).includes(value ?? '') ? (value as T) : undefined;
  const q = (read('q') ?? '').trim().slice(0, 200);
  const agency = (read('agency') ?? '').trim();
  const importBatch = (read('import') ?? '').trim();
  const page = Number.parseInt(read('page') ?? '1', 10);
  const status = pickOf(read('status'), OFFICER_FILTER_STATUSES);
  const medium = pickOf(read('medium'), ['roaming', 'token'] as const);
  const sort = pickOf(read('sort'), OFFICER_SORTS);
  const dir = pickOf(read('dir'), ['asc', 'desc'] as const);
  return {
    ...(q ? { q } : {}),
    ...(status ? { status } : {}),
    ...(medium ? { medium } : {}),
    ...(/^[\w-]{1,32}$/.test(agency) ? { agency } : {}),
    ...(/^imp_[\w-]{1,32}$/.test(importBatch) ? { importBatch } : {}),
    ...(sort ? { sort } : {}),
    ...(dir ? { dir } : {}),
    page: Number.isFinite(page) && page > 0 ? Math.min(page, 100_000) : 1,
  };
}

/** The WHERE of a query within the actor's scope (shared by the page, the count, the export and bulk actions). */
export function officerConditions(deps: PortalDeps, actor: Actor, query: OfficerQuery): SQL | undefined {
  const { officers } = deps.db.t;
  const parts: (SQL | undefined)[] = [];
  if (actor.agencyCode !== null) parts.push(eq(officers.agencyCode, actor.agencyCode));
  if (query.agency) parts.push(eq(officers.agencyCode, query.agency));
  if (query.importBatch) parts.push(eq(officers.importBatch, query.importBatch));
  switch (query.status) {
    case 'locked':
      parts.push(isNotNull(officers.pinLockedAt));
      break;
    case 'unverified':
      parts.push(isNull(officers.emailVerifiedAt));
      break;
    case undefined:
      break;
    default:
      parts.push(eq(officers.status, query.status));
  }
  // media is a JSON array written by us (["roaming","token"]): the quoted name matches exactly.
  if (query.medium) parts.push(sql`cast(${officers.media} as text) like ${`%"${query.medium}"%`}`);
  if (query.q) {
    const digits = query.q.replace(/-/g, '');
    const text = query.q.toLowerCase();
    // A MyKad prefix as a range on the primary key (LIKE 'x%' uses no index under PostgreSQL's collations).
    if (/^\d{1,12}$/.test(digits)) parts.push(and(gte(officers.nric, digits.padEnd(12, '0')), lte(officers.nric, digits.padEnd(12, '9')))!);
    // An address (addresses are stored lower-case): its start, as a range on officers_email.
    else if (text.includes('@')) parts.push(and(gte(officers.email, text), lt(officers.email, `${text}\u{10FFFF}`))!);
    else {
      // A piece of the name or the address: a scan, so the page stops at the first 51 found.
      const needle = `%${escapeLike(text)}%`;
      const op = deps.db.dialect === 'postgres' ? sql.raw('ilike') : sql.raw('like');
      parts.push(or(sql`${officers.name} ${op} ${needle} escape '\\'`, sql`${officers.email} like ${needle} escape '\\'`));
    }
  }
  const present = parts.filter((p): p is SQL => p !== undefined);
  return present.length ? and(...present) : undefined;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A piece of a name or address: matched by a scan, not an index (see officerConditions). */
const isTextSearch = (query: OfficerQuery) => !!query.q && !/^\d{1,12}$/.test(query.q.replace(/-/g, '')) && !query.q.includes('@');

function orderOf(deps: PortalDeps, query: OfficerQuery) {
  const { officers } = deps.db.t;
  // A text search scans anyway: sorting its few matches beats walking the whole name index
  // (which PostgreSQL otherwise picks, fetching every row to filter it), so the order is by an
  // expression no index serves.
  const byName = isTextSearch(query) ? sql`lower(${officers.name})` : officers.name;
  const column = { name: byName, nric: officers.nric, email: officers.email, created: officers.createdAt }[query.sort ?? 'name'];
  const direction = query.dir === 'desc' ? desc : asc;
  // The MyKad number breaks ties, so paging is stable.
  return [direction(column), asc(officers.nric)];
}

/** Counting stops here: past it the page says "more than 2,000" and paging goes on by "next". */
export const COUNT_CAP = 2_000;

export async function searchOfficers(deps: PortalDeps, actor: Actor, query: OfficerQuery): Promise<OfficerPage> {
  const { db } = deps;
  const { officers } = db.t;
  const where = officerConditions(deps, actor, query);
  const page = Math.max(1, query.page ?? 1);
  // The page's MyKad numbers from the index alone (each sort index ends with nric), then its rows.
  const keys = await db.orm
    .select({ nric: officers.nric })
    .from(officers)
    .where(where)
    .orderBy(...orderOf(deps, query))
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE);
  const more = keys.length > PAGE_SIZE;
  const nrics = keys.slice(0, PAGE_SIZE).map((k) => k.nric);
  const found = nrics.length ? await db.orm.select().from(officers).where(inArray(officers.nric, nrics)) : [];
  const byNric = new Map(found.map((o) => [o.nric, o]));
  const rows = nrics.map((n) => byNric.get(n)!).filter(Boolean);
  // A first page with no next one needs no count; otherwise count, up to the cap.
  let total = (page - 1) * PAGE_SIZE + rows.length;
  if (more || page > 1) {
    const [counted] = await db.orm
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(db.orm.select({ one: sql`1`.as('one') }).from(officers).where(where).limit(COUNT_CAP + 1).as('capped'));
    total = Math.max(total, counted?.n ?? 0);
  }
  const capped = total > COUNT_CAP;
  const pages = capped ? page + (more ? 1 : 0) : Math.max(1, Math.ceil(total / PAGE_SIZE));
  return { rows, total: capped ? COUNT_CAP : total, capped, page, pages, more };
}

/** Every matching officer, in pages of `batch`, for the CSV export (never all in memory at once). */
export async function* eachOfficer(deps: PortalDeps, actor: Actor, query: OfficerQuery, batch = 2000): AsyncGenerator<Officer[]> {
  const { db } = deps;
  const { officers } = db.t;
  const where = officerConditions(deps, actor, query);
  for (let offset = 0; ; offset += batch) {
    const rows = await db.orm
      .select()
      .from(officers)
      .where(where)
      .orderBy(...orderOf(deps, query))
      .limit(batch)
      .offset(offset);
    if (rows.length) yield rows;
    if (rows.length < batch) return;
  }
}
