import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { deriveKey } from '../vault/masterKey.js';

/**
 * Every node of a cluster must hold the same master key: it unwraps the keys in the database, keys the
 * audit chain and seals the cluster bus. A node started with another key (a fresh data folder pointed
 * at a shared PostgreSQL) would fail to sign and, worse, write audit entries the chain cannot verify.
 * The first node stores a check value derived from its key; every later start compares.
 * Returns null when the key matches (or was just recorded), else the reason to refuse to start.
 */
export async function checkMasterKey(db: Db, masterKey: Buffer): Promise<string | null> {
  const { clusterSettings } = db.t;
  const value = deriveKey(masterKey, 'key-check').toString('hex');
  await db.orm.insert(clusterSettings).values({ name: 'master_key_check', value }).onConflictDoNothing();
  const [stored] = await db.orm.select({ value: clusterSettings.value }).from(clusterSettings).where(eq(clusterSettings.name, 'master_key_check'));
  if (stored?.value === value) return null;
  return 'this data folder\'s master.key is not the key this database was created with: copy master.key from an existing node into ROAMSIGN_DATA_DIR (every node of a cluster shares it), or point ROAMSIGN_DATABASE_URL at this folder\'s own database';
}
