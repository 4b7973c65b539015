import type { Bucket } from './takeHits.js';
import { callerKeyOf, type CallerClass } from './classifyCaller.js';

const HOUR_MS = 60 * 60 * 1000;
const QUARTER_HOUR_MS = 15 * 60 * 1000;

/** The limits of docs/security.md, from the configuration (env.ts). */
export interface BudgetPolicy {
  /** Messages (OTPs, codes) per subject, kind of message and known caller (client or trusted device) per hour. */
  knownSendsPerHour: number;
  /** Messages per subject per hour asked for by every unknown source together: the unsolicited bound. */
  unknownSendsPerHour: number;
  /** Messages per source address per hour asked for by unknown sources, whoever they are for. */
  addressSendsPerHour: number;
}

/** Wrong administrator passwords: 5 per account and caller in 15 minutes (issue 9). */
export const PASSWORD_FAILURES = 5;
export const PASSWORD_WINDOW_MS = QUARTER_HOUR_MS;
/** Wrong passwords per source address in 15 minutes from unknown browsers, whichever account (password spraying). */
export const ADDRESS_PASSWORD_FAILURES = 20;

/**
 * The buckets one message to `nric` spends. A known caller spends its own budget for that officer
 * and kind of message (`what`: otp, sign_in); every unknown source spends one budget per officer,
 * shared by OTPs and sign-in codes, so the officer receives at most `unknownSendsPerHour` messages
 * an hour that no known caller asked for; and an unknown source address its own, whoever it asks for.
 */
export function messageBuckets(nric: string, what: string, caller: CallerClass, policy: BudgetPolicy): Bucket[] {
  if (caller.kind !== 'unknown') return [{ key: `${what}:${nric}:${callerKeyOf(caller)}`, limit: policy.knownSendsPerHour, windowMs: HOUR_MS }];
  const buckets: Bucket[] = [{ key: `unsolicited:${nric}`, limit: policy.unknownSendsPerHour, windowMs: HOUR_MS }];
  if (caller.address !== null) buckets.push({ key: `address:${caller.address}`, limit: policy.addressSendsPerHour, windowMs: HOUR_MS });
  return buckets;
}

/**
 * The buckets one administrator password check spends (counted before the check; a right password
 * gives its hit back). A trusted browser has its own 5 in 15 minutes; unknown sources share 5 for
 * the account, and each unknown address has 20 across accounts.
 */
export function passwordBuckets(nric: string, caller: CallerClass): Bucket[] {
  if (caller.kind !== 'unknown') return [{ key: `password:${nric}:${callerKeyOf(caller)}`, limit: PASSWORD_FAILURES, windowMs: PASSWORD_WINDOW_MS }];
  const buckets: Bucket[] = [{ key: `password:${nric}:unknown`, limit: PASSWORD_FAILURES, windowMs: PASSWORD_WINDOW_MS }];
  if (caller.address !== null) buckets.push({ key: `password-address:${caller.address}`, limit: ADDRESS_PASSWORD_FAILURES, windowMs: PASSWORD_WINDOW_MS });
  return buckets;
}
