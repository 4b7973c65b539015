import crypto from 'node:crypto';
import type { AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';
import { flushTallies } from '../limits/refusalTally.js';
import { sweepHits } from '../limits/sweepHits.js';
import { sweepPasskeyChallenges } from '../passkeys/sweepPasskeyChallenges.js';
import type { Logger } from '../log.js';
import { recoverRequests } from './recoverRequests.js';
import { acquireLease, releaseLease } from './lease.js';

/** The frequent job: abandoned signatures recovered within seconds of their lease running out. */
export const SWEEP_INTERVAL_MS = 5_000;
const LEASE_NAME = 'sweeper';
/** Longer than any sweep; a node that dies holding it delays the next sweep by this at most. */
const LEASE_TTL_MS = 30_000;

export interface SweepDeps {
  db: Db;
  audit: AuditLog;
  log: Logger;
  now: () => number;
  /** ROAMSIGN_REFUSALS_LISTED_PER_MINUTE: closed minutes with more anonymous refusals get their row from the sweep. */
  refusalsListedPerMinute?: number;
}

/** One sweep: requests abandoned in `signing` are failed as interrupted, budget hits no window sees are dropped. */
export async function sweepOnce(deps: SweepDeps): Promise<{ recovered: string[]; hitsDropped: number }> {
  const recovered = await recoverRequests(deps, { now: deps.now() });
  // Closed minutes of anonymous refusals get their one audit row before their counts could age out.
  await flushTallies(deps, { before: Math.floor(deps.now() / 60_000) * 60_000, listedPerMinute: deps.refusalsListedPerMinute ?? 0 });
  const hitsDropped = await sweepHits(deps.db, deps.now());
  await sweepPasskeyChallenges(deps.db, deps.now()); // issue 11
  return { recovered, hitsDropped };
}

export interface Sweeper {
  stop(): void;
  /** Resolves when no sweep is in progress (graceful shutdown). */
  idle(): Promise<void>;
}

/**
 * Sweeps now and every `intervalMs` without keeping the process alive; a sweep never overlaps the
 * previous one, and across a cluster only the node holding the lease sweeps (each step is a
 * conditional update besides, so two sweeps at once would only repeat work).
 */
export function startSweeper(deps: SweepDeps, intervalMs: number = SWEEP_INTERVAL_MS): Sweeper {
  const holder = `node_${crypto.randomBytes(6).toString('hex')}`;
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = async () => {
    try {
      if (!(await acquireLease(deps.db, { name: LEASE_NAME, holder, ttlMs: LEASE_TTL_MS, now: deps.now() }))) return;
      try {
        const done = await sweepOnce(deps);
        if (done.recovered.length) deps.log.info('requests.recovered', { count: done.recovered.length });
      } finally {
        await releaseLease(deps.db, { name: LEASE_NAME, holder });
      }
    } catch (error) {
      deps.log.error('sweep.failed', { error: error instanceof Error ? error.message : String(error) });
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
