import { and, inArray, isNotNull, ne, or } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { DEMO_OFFICERS } from './demoData.js';

/**
 * Whether the folder still holds a demo officer who could sign or sign in: one not closed, or
 * still with a PIN verifier (the demo PINs, 123456 and 654321, are in the README).
 */
export async function holdsDemoOfficers(db: Db): Promise<boolean> {
  const { officers } = db.t;
  const [row] = await db.orm
    .select({ nric: officers.nric })
    .from(officers)
    .where(and(inArray(officers.nric, DEMO_OFFICERS.map((o) => o.nric)), or(ne(officers.status, 'closed'), isNotNull(officers.pinVerifier))))
    .limit(1);
  return row !== undefined;
}

/** The one line `npm start` prints when it refuses a sandbox folder with the sandbox off. */
export function demoDataRefusal(dataDir: string): string {
  return `RoamSign will not start with ROAMSIGN_SANDBOX off: ${dataDir} holds the sandbox demo officers (their PINs are public); remove them with \`npm run roamsign -- remove-demo-data\`, or use another ROAMSIGN_DATA_DIR.`;
}
