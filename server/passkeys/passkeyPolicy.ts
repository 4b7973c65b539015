import { and, eq, or } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { PASSKEY_POLICY_VALUES } from '../../shared/schemas/passkey.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';

/** Which second factor signs: the OTP only, the OTP or a passkey (default), or a passkey only. */
export const PASSKEY_POLICIES = PASSKEY_POLICY_VALUES;
export type PasskeyPolicy = (typeof PASSKEY_POLICIES)[number];
export const DEFAULT_PASSKEY_POLICY: PasskeyPolicy = 'otp-or-passkey';
export type PolicyScope = 'system' | 'agency';

export function isPasskeyPolicy(value: unknown): value is PasskeyPolicy {
  return typeof value === 'string' && (PASSKEY_POLICIES as readonly string[]).includes(value);
}

/** What is set for one system or agency (null: nothing set, the default applies). */
export async function policySetFor(db: Db, scope: PolicyScope, scopeId: string): Promise<PasskeyPolicy | null> {
  const { passkeyPolicies: t } = db.t;
  const [row] = await db.orm.select({ policy: t.policy }).from(t).where(and(eq(t.scope, scope), eq(t.scopeId, scopeId)));
  return row?.policy ?? null;
}

/**
 * The policy of a signature for `system` by an officer of `agency`. Requiring a passkey wins
 * (the stronger factor), then refusing one; otherwise either factor signs.
 */
export async function effectivePolicy(db: Db, input: { system: string; agencyCode: string }): Promise<PasskeyPolicy> {
  // Both scopes in one read: it runs in every create and complete (issue 22).
  const { passkeyPolicies: t } = db.t;
  const rows = await db.orm
    .select({ policy: t.policy })
    .from(t)
    .where(or(and(eq(t.scope, 'system'), eq(t.scopeId, input.system)), and(eq(t.scope, 'agency'), eq(t.scopeId, input.agencyCode))));
  const set = rows.map((r) => r.policy);
  if (set.includes('passkey-required')) return 'passkey-required';
  if (set.includes('otp')) return 'otp';
  return DEFAULT_PASSKEY_POLICY;
}

/** Sets (or, with `null`, clears) the policy of one system or agency; audited. */
export async function setPasskeyPolicy(
  deps: { db: Db; audit: AuditLog; now: () => number },
  input: { scope: PolicyScope; scopeId: string; policy: PasskeyPolicy | null; actor: string },
): Promise<void> {
  const { db, audit, now } = deps;
  const { passkeyPolicies: t } = db.t;
  if (input.policy !== null && !isPasskeyPolicy(input.policy)) throw new RoamSignError('bad_request', { reason: 'bad_policy' });
  await db.transaction(async () => {
    await db.orm.delete(t).where(and(eq(t.scope, input.scope), eq(t.scopeId, input.scopeId)));
    if (input.policy !== null) await db.orm.insert(t).values({ scope: input.scope, scopeId: input.scopeId, policy: input.policy, updatedBy: input.actor, updatedAt: now() });
    await audit.append({ actor: input.actor, action: 'passkey.policy_set', subject: `${input.scope}:${input.scopeId}`, details: { policy: input.policy } });
  });
}
