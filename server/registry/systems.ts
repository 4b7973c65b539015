import { eq, sql } from 'drizzle-orm';
import { SYSTEM_NAMES, SYSTEMS, type SystemId } from '../../shared/systems.js';
import { perConnection, type Db } from '../db/client.js';
import { systems } from '../db/schema.js';

/** The production hosts of each system; administrators may add more. */
export const DEFAULT_SYSTEM_ORIGINS: Record<SystemId, string[]> = {
  igfmas: ['https://igfmas.anm.gov.my'],
  eperolehan: ['https://www.eperolehan.gov.my'],
  speks: ['https://speks.anm.gov.my'],
};

/** Makes sure each system exists; `extraOrigins` (e.g. this server's demo screens) are added once. */
export function ensureSystems(db: Db, extraOrigins: string[]): void {
  for (const id of SYSTEMS) {
    const row = db.select().from(systems).where(eq(systems.id, id)).get();
    if (!row) {
      db.insert(systems).values({ id, name: SYSTEM_NAMES[id], allowedOrigins: [...DEFAULT_SYSTEM_ORIGINS[id], ...extraOrigins] }).run();
      continue;
    }
    const missing = extraOrigins.filter((o) => !row.allowedOrigins.includes(o));
    if (missing.length) db.update(systems).set({ allowedOrigins: [...row.allowedOrigins, ...missing] }).where(eq(systems.id, id)).run();
  }
}

// Read on every browser call (CORS) and every signing request: prepared once per connection.
const queries = perConnection((db) => ({
  all: db.select({ allowed: systems.allowedOrigins }).from(systems).prepare(),
  one: db.select({ allowed: systems.allowedOrigins }).from(systems).where(eq(systems.id, sql.placeholder('id'))).prepare(),
}));

/** Every origin allowed for some system: the browser origins the API answers at all. */
export function allKnownOrigins(db: Db): Set<string> {
  return new Set(queries(db).all.all().flatMap((r) => r.allowed));
}

/** The origins allowed for one system: its own list plus the configured extra ones. */
export function allOriginsFor(db: Db, system: SystemId, extra: string[]): string[] {
  const row = queries(db).one.get({ id: system });
  return [...new Set([...(row?.allowed ?? []), ...extra])];
}
