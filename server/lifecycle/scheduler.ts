import type { Logger } from '../log.js';
import type { LifecycleDeps } from './deps.js';
import { closeEndedAccounts } from './closure.js';
import { DEFAULT_INACTIVITY_DAYS, suspendInactive } from './inactivity.js';
import { applyDueMovements } from './movements.js';

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

/**
 * Runs the lifecycle jobs now and every `intervalMs` (hourly by default) without keeping the process
 * alive; a run never overlaps the previous one. Returns the function that stops it.
 * Signing does not wait for this job: refusals apply from the effective date (checkSigningStanding).
 */
export function startLifecycleScheduler(
  services: LifecycleDeps & { log: Logger },
  intervalMs: number = 60 * 60 * 1000,
  options: LifecycleJobOptions = {},
): () => void {
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      const run = await runLifecycleJobs(services, options);
      if (run.movementsApplied.length || run.suspended.length) {
        services.log.info('lifecycle.run', { movementsApplied: run.movementsApplied.length, suspended: run.suspended.length });
      }
    } catch (error) {
      services.log.error('lifecycle.failed', { error: error instanceof Error ? error.message : String(error) });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  const first = setTimeout(() => void tick(), 0);
  first.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(first);
  };
}
