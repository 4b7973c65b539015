import { RoamSignError } from '../../shared/errors.js';

/** PDF operations (load, revise, hash, validate) running at once on this node; each holds about 3x its PDF (npm run bench). */
const RUNNING = 2;
/** Operations that may wait for a slot; past that the caller is told to come back (503). */
const WAITING = 16;

let running = 0;
const queue: (() => void)[] = [];

/**
 * Runs `work` when one of the node's PDF slots is free: with a 50 MB limit, the memory PDFs take
 * is bounded by RUNNING x 3 x 50 MB whatever the number of callers. A full queue refuses at once
 * (503 unavailable, retry after a second) rather than holding more bodies.
 */
export async function inPdfSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= RUNNING) {
    if (queue.length >= WAITING) throw new RoamSignError('unavailable', { reason: 'pdf_busy', retryAfterSeconds: 1 });
    await new Promise<void>((resolve) => queue.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}
