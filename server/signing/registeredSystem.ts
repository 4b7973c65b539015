import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { systems } from '../db/schema.js';
import type { SystemId } from '../../shared/systems.js';

/**
 * Whether the registry holds this system. System ids are validated strings now (systems are
 * data), so a well-formed id nobody registered is refused here, before anything refers to it.
 * (Issue 8; the registry's own module may take this over when systems become editable.)
 */
export function isRegisteredSystem(db: Db, id: SystemId): boolean {
  return db.select({ id: systems.id }).from(systems).where(eq(systems.id, id)).get() !== undefined;
}
