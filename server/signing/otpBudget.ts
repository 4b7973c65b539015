// Budgets an attacker cannot spend for the officer (issue 9, docs/security.md).
import { messageBuckets } from '../limits/callerBudgets.js';
import { classifyCaller, type CallerClass } from '../limits/classifyCaller.js';
import { UNKNOWN_REQUESTER } from '../limits/requester.js';
import type { Caller, SigningDeps } from './deps.js';

/** Whose budget this call spends for officer `nric`, and the buckets of one OTP message. */
export async function otpBudget(
  deps: Pick<SigningDeps, 'db' | 'policy' | 'now'>,
  nric: string,
  caller: Caller,
): Promise<{ callerClass: CallerClass; buckets: ReturnType<typeof messageBuckets> }> {
  const { db, policy, now } = deps;
  const callerClass = await classifyCaller(db, { clientId: caller.client?.clientId, requester: caller.requester ?? UNKNOWN_REQUESTER, subject: `officer:${nric}`, now: now() });
  return {
    callerClass,
    buckets: messageBuckets(nric, 'otp', callerClass, { knownSendsPerHour: policy.otpSendsPerHour, unknownSendsPerHour: policy.unknownSendsPerHour, addressSendsPerHour: policy.addressSendsPerHour }),
  };
}
