import { and, eq, ne } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { sendBilingual } from '../notify/sendBilingual.js';
import type { PasskeyDeps } from './deps.js';
import { findPasskey, type Passkey, type PasskeySubject } from './passkeyStore.js';
import { PASSKEY_NAME_MAX } from './registerPasskey.js';

type Change = 'registered' | 'renamed' | 'removed' | 'revoked' | 'suspended';

const WORDS: Record<Change, { ms: string; en: string }> = {
  registered: { ms: 'didaftarkan', en: 'registered' },
  renamed: { ms: 'dinamakan semula', en: 'renamed' },
  removed: { ms: 'dibuang', en: 'removed' },
  revoked: { ms: 'dibatalkan oleh pentadbir', en: 'revoked by an administrator' },
  suspended: { ms: 'digantung (kemungkinan disalin)', en: 'suspended (possibly cloned)' },
};

/** E-mails the owner that one of their passkeys changed, so a change they did not make is noticed. */
export async function notifyPasskeyChange(deps: Pick<PasskeyDeps, 'db' | 'notices'>, passkey: Pick<Passkey, 'subjectType' | 'subjectId' | 'name'>, change: Change): Promise<void> {
  const { db } = deps;
  const to =
    passkey.subjectType === 'officer'
      ? (await db.orm.select({ email: db.t.officers.email }).from(db.t.officers).where(eq(db.t.officers.nric, passkey.subjectId)))[0]?.email
      : (await db.orm.select({ email: db.t.admins.email }).from(db.t.admins).where(eq(db.t.admins.id, passkey.subjectId)))[0]?.email;
  if (!to) return;
  const w = WORDS[change];
  await sendBilingual(
    deps,
    { nric: passkey.subjectType === 'officer' ? passkey.subjectId : null, email: to },
    { ms: `Kunci laluan RoamSign ${w.ms}`, en: `RoamSign passkey ${w.en}` },
    {
      ms: `Kunci laluan "${passkey.name}" pada akaun RoamSign anda telah ${w.ms}.\nJika ini bukan tindakan anda, hubungi pentadbir dengan segera.`,
      en: `The passkey "${passkey.name}" on your RoamSign account was ${w.en}.\nIf this was not you, contact your administrator at once.`,
    },
  );
}

async function ownPasskey(deps: PasskeyDeps, subject: PasskeySubject, credentialId: string): Promise<Passkey> {
  const passkey = await findPasskey(deps.db, credentialId);
  if (!passkey || passkey.subjectType !== subject.type || passkey.subjectId !== subject.id || passkey.status === 'revoked') throw new RoamSignError('not_found');
  return passkey;
}

/** The owner renames a passkey (a label only they see). */
export async function renamePasskey(deps: PasskeyDeps, subject: PasskeySubject, credentialId: string, name: string): Promise<void> {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > PASSKEY_NAME_MAX) throw new RoamSignError('bad_request', { reason: 'passkey_name' });
  const passkey = await ownPasskey(deps, subject, credentialId);
  const { passkeys } = deps.db.t;
  await deps.db.transaction(async () => {
    await deps.db.orm.update(passkeys).set({ name: trimmed }).where(eq(passkeys.credentialId, credentialId));
    await deps.audit.append({ actor: `${subject.type}:${subject.id}`, action: 'passkey.renamed', subject: subject.id, details: { credentialId, from: passkey.name, to: trimmed } });
  });
  await notifyPasskeyChange(deps, { ...passkey, name: trimmed }, 'renamed');
}

/** The owner removes a passkey: it is revoked (kept for the audit trail) and never verifies again. */
export async function removePasskey(deps: PasskeyDeps, subject: PasskeySubject, credentialId: string): Promise<void> {
  const passkey = await ownPasskey(deps, subject, credentialId);
  await endPasskey(deps, passkey, `${subject.type}:${subject.id}`, 'removed');
}

/** An administrator revokes an officer's passkey (the scope check is the caller's). */
export async function revokePasskey(deps: PasskeyDeps, actor: string, nric: string, credentialId: string): Promise<void> {
  const passkey = await findPasskey(deps.db, credentialId);
  if (!passkey || passkey.subjectType !== 'officer' || passkey.subjectId !== nric || passkey.status === 'revoked') throw new RoamSignError('not_found');
  await endPasskey(deps, passkey, actor, 'revoked');
}

async function endPasskey(deps: PasskeyDeps, passkey: Passkey, actor: string, change: 'removed' | 'revoked'): Promise<void> {
  const { passkeys } = deps.db.t;
  await deps.db.transaction(async () => {
    await deps.db.orm
      .update(passkeys)
      .set({ status: 'revoked', statusReason: change, statusAt: deps.now() })
      .where(and(eq(passkeys.credentialId, passkey.credentialId), ne(passkeys.status, 'revoked')));
    await deps.audit.append({ actor, action: `passkey.${change}`, subject: passkey.subjectId, details: { subjectType: passkey.subjectType, credentialId: passkey.credentialId, name: passkey.name } });
  });
  await notifyPasskeyChange(deps, passkey, change);
}
