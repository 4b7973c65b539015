import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import type { Requester } from './requester.js';

/** A device stays trusted this long after its last success (then it is an unknown source again). */
export const DEVICE_TRUST_MS = 180 * 24 * 60 * 60 * 1000;

/**
 * Whose budget a call spends: a registered system's (its OAuth client), a browser's that proved to be
 * the subject before (its device cookie), or the one budget every other source shares for that subject.
 */
export type CallerClass = { kind: 'client'; clientId: string } | { kind: 'device'; deviceHash: string } | { kind: 'unknown'; address: string | null };

/** The class of a call about `subject` (`officer:<nric>`, `admin:<nric>`). */
export async function classifyCaller(db: Db, input: { clientId?: string | undefined; requester: Requester; subject: string; now: number }): Promise<CallerClass> {
  if (input.clientId !== undefined) return { kind: 'client', clientId: input.clientId };
  const { deviceHash, address } = input.requester;
  if (deviceHash !== null) {
    const { trustedDevices } = db.t;
    const [known] = await db.orm
      .select({ subject: trustedDevices.subject })
      .from(trustedDevices)
      .where(and(eq(trustedDevices.deviceHash, deviceHash), eq(trustedDevices.subject, input.subject), gt(trustedDevices.lastSuccessAt, input.now - DEVICE_TRUST_MS)));
    if (known) return { kind: 'device', deviceHash };
  }
  return { kind: 'unknown', address };
}

/** The short name of a class, kept on the requests it made (pending caps) and in budget keys. */
export function callerKeyOf(caller: CallerClass): string {
  if (caller.kind === 'client') return `client:${caller.clientId}`;
  if (caller.kind === 'device') return `device:${caller.deviceHash.slice(0, 22)}`;
  return 'unknown';
}
