import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tables } from '../db/database.js';

// The queries over `passkeys` that registration, signing, sign-in and the portals share.

export type Passkey = Tables['passkeys']['$inferSelect'];
export type PasskeySubject = { type: 'officer' | 'admin'; id: string };

export async function findPasskey(db: Db, credentialId: string): Promise<Passkey | undefined> {
  const { passkeys } = db.t;
  return (await db.orm.select().from(passkeys).where(eq(passkeys.credentialId, credentialId)))[0];
}

/** Every passkey of a subject, oldest first (revoked and suspended ones too: the portals show them). */
export async function listPasskeys(db: Db, subject: PasskeySubject): Promise<Passkey[]> {
  const { passkeys } = db.t;
  return db.orm
    .select()
    .from(passkeys)
    .where(and(eq(passkeys.subjectType, subject.type), eq(passkeys.subjectId, subject.id)))
    .orderBy(asc(passkeys.createdAt));
}

export async function activePasskeys(db: Db, subject: PasskeySubject): Promise<Passkey[]> {
  return (await listPasskeys(db, subject)).filter((p) => p.status === 'active');
}
