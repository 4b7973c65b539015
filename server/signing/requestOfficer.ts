import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';

/** The MyKad number of the officer a signing request is for, or null when there is no such request. */
export async function requestOfficer(db: Db, id: string): Promise<string | null> {
  const { signingRequests } = db.t;
  const [row] = await db.orm.select({ nric: signingRequests.nric }).from(signingRequests).where(eq(signingRequests.id, id));
  return row?.nric ?? null;
}
