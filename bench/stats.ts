/** Small statistics and load helpers shared by the bench sections. */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function mean(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : samples.reduce((sum, x) => sum + x, 0) / samples.length;
}

export interface LoadResult<T> {
  /** Operations finished inside the run. */
  count: number;
  /** Wall time from the start until the last worker finished its last operation. */
  seconds: number;
  /** Milliseconds per operation, one entry per operation. */
  latenciesMs: number[];
  /** What each operation returned (for per-phase timings). */
  results: T[];
}

/**
 * Runs `workers` closed-loop workers that each repeat `op` until `durationMs` has passed
 * (bounded: no new operation starts after the deadline, and `maxOps` caps the total).
 * Throughput is count / seconds, the tail of the last operations included.
 */
export async function runWorkers<T>(
  workers: number,
  durationMs: number,
  op: (worker: number) => Promise<T>,
  maxOps = 1_000_000,
): Promise<LoadResult<T>> {
  const started = performance.now();
  const deadline = started + durationMs;
  const latenciesMs: number[] = [];
  const results: T[] = [];
  let startedOps = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < deadline && startedOps < maxOps) {
        startedOps++;
        const t0 = performance.now();
        results.push(await op(worker));
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  return { count: latenciesMs.length, seconds: (performance.now() - started) / 1000, latenciesMs, results };
}

/** Fixed-width report lines so that figures line up in the terminal. */
export function line(label: string, value: string, unit = ''): void {
  console.log(`  ${label.padEnd(58)} ${value.padStart(10)} ${unit}`.trimEnd());
}

export function heading(title: string): void {
  console.log(`\n== ${title} ==`);
}

/** The reliability line each section ends with (see machine.ts). */
export function foreignLoadLine(share: number): void {
  const warn = share > 0.05 ? '  <- other processes were busy: figures are low, run again on a quiet machine' : '';
  line('CPU used by other processes during this section', `${fmt(share * 100, 0)} %`, `of the machine${warn}`);
}

export function fmt(x: number, digits = 1): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}
