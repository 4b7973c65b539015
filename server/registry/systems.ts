import { eq } from 'drizzle-orm';
import { SYSTEM_NAMES, SYSTEMS, type SystemId } from '../../shared/systems.js';
import type { Db } from '../db/database.js';

/** The production hosts of each system; administrators may add more. */
export const DEFAULT_SYSTEM_ORIGINS: Record<SystemId, string[]> = {
  igfmas: ['https://igfmas.anm.gov.my'],
  eperolehan: ['https://www.eperolehan.gov.my'],
  speks: ['https://speks.anm.gov.my'],
};

/** Makes sure each system exists; `extraOrigins` (e.g. this server's demo screens) are added once. */
export async function ensureSystems(db: Db, extraOrigins: string[]): Promise<void> {
  const { systems } = db.t;
  for (const id of SYSTEMS) {
    await db.transaction(async () => {
      await db.lock(`system:${id}`);
      const [row] = await db.orm.select().from(systems).where(eq(systems.id, id));
      if (!row) {
        await db.orm
          .insert(systems)
          .values({ id, name: SYSTEM_NAMES[id], allowedOrigins: [...DEFAULT_SYSTEM_ORIGINS[id], ...extraOrigins] })
          .onConflictDoNothing();
        return;
      }
      const missing = extraOrigins.filter((o) => !row.allowedOrigins.includes(o));
      if (missing.length) await db.orm.update(systems).set({ allowedOrigins: [...row.allowedOrigins, ...missing] }).where(eq(systems.id, id));
    });
  }
}

/**
 * Every origin allowed for some system: the browser origins the API answers at all. Read on every
 * browser call, never cached: an origin an administrator, the CLI or another node adds or removes
 * counts at the next request (issue 14).
 */
export async function allKnownOrigins(db: Db): Promise<Set<string>> {
  const { systems } = db.t;
  const rows = await db.orm.select({ allowed: systems.allowedOrigins }).from(systems);
  return new Set(rows.flatMap((r) => r.allowed));
}

/** The origins allowed for one system: its own list plus the configured extra ones. */
export async function allOriginsFor(db: Db, system: SystemId, extra: string[]): Promise<string[]> {
  const { systems } = db.t;
  const [row] = await db.orm.select({ allowed: systems.allowedOrigins }).from(systems).where(eq(systems.id, system));
  return [...new Set([...(row?.allowed ?? []), ...extra])];
}

/**
 * Whether the registry holds this system. System ids are validated strings (systems are data), so
 * a well-formed id nobody registered is refused before anything refers to it.
 */
export async function isRegisteredSystem(db: Db, id: string): Promise<boolean> {
  const { systems } = db.t;
  const [row] = await db.orm.select({ id: systems.id }).from(systems).where(eq(systems.id, id));
  return row !== undefined;
}
