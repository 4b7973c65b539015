import crypto from 'node:crypto';
import { acquireLease, releaseLease } from '../cluster/lease.js';
import type { Logger } from '../log.js';
import type { LifecycleDeps } from './deps.js';
import { closeEndedAccounts } from './closure.js';
import { DEFAULT_INACTIVITY_DAYS, suspendInactive } from './inactivity.js';
import { applyDueMovements } from './movements.js';
import { sendRenewalNotices, type RenewalNoticeDeps } from './renewalNotices.js';

export interface LifecycleJobOptions {
  /** Days without sign-in or signature before suspension (suggested env: ROAMSIGN_INACTIVITY_DAYS). */
  inactivityDays?: number;
}

export interface LifecycleRun {
  /** Ids of the movements applied by this run. */
  movementsApplied: string[];
  /** NRICs suspended for inactivity by this run. */
  suspended: string[];
  /** NRICs whose accounts were closed (60 days after service ended) by this run. */
  closed: string[];
}

/** The scheduled job of issue 5: due staff movements, inactivity, then accounts closed 60 days after service ended. Idempotent. */
export async function runLifecycleJobs(services: LifecycleDeps, options: LifecycleJobOptions = {}): Promise<LifecycleRun> {
  const at = services.now();
  const applied = await applyDueMovements(services, at);
  const suspended = await suspendInactive(services, at, options.inactivityDays ?? DEFAULT_INACTIVITY_DAYS);
  const closed = await closeEndedAccounts(services, at);
  return { movementsApplied: applied.map((m) => m.id), suspended, closed };
}

/** The lease that lets one node of a cluster run the jobs; longer than any run, shorter than the interval. */
const LEASE_NAME = 'lifecycle-jobs';
const LEASE_TTL_MS = 10 * 60 * 1000;

export interface LifecycleScheduler {
  stop(): void;
  /** Resolves when no run is in progress (tests, graceful shutdown). */
  idle(): Promise<void>;
}

/**
 * Runs the lifecycle jobs now and every `intervalMs` (hourly by default) without keeping the process
 * alive; a run never overlaps the previous one, and across a cluster only the node holding the
 * lease runs (the jobs are idempotent besides, so a lost lease costs nothing but work).
 * Signing does not wait for this job: refusals apply from the effective date (checkSigningStanding).
 */
export function startLifecycleScheduler(
  services: LifecycleDeps & RenewalNoticeDeps & { log: Logger },
  intervalMs: number = 60 * 60 * 1000,
  options: LifecycleJobOptions & { nodeId?: string } = {},
): LifecycleScheduler {
  const holder = options.nodeId ?? `node_${crypto.randomBytes(6).toString('hex')}`;
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = async () => {
    try {
      if (!(await acquireLease(services.db, { name: LEASE_NAME, holder, ttlMs: LEASE_TTL_MS, now: services.now() }))) return;
      try {
        const done = await runLifecycleJobs(services, options);
        // Issue 21: certificate expiry notices (30/7/1 days), each sent once.
        const notices = await sendRenewalNotices(services);
        if (done.movementsApplied.length || done.suspended.length || done.closed.length || notices.length) {
          services.log.info('lifecycle.run', { movementsApplied: done.movementsApplied.length, suspended: done.suspended.length, closed: done.closed.length, expiryNotices: notices.length });
        }
      } finally {
        await releaseLease(services.db, { name: LEASE_NAME, holder });
      }
    } catch (error) {
      services.log.error('lifecycle.failed', { error: error instanceof Error ? error.message : String(error) });
    }
  };
  const tick = () => {
    if (running || stopped) return;
    running = run().finally(() => {
      running = null;
    });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  const first = setTimeout(tick, 0);
  first.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(first);
    },
    async idle() {
      await running;
    },
  };
}
