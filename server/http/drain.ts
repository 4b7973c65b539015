import type { MiddlewareHandler } from 'hono';

/**
 * Graceful shutdown (issue 10): the requests in flight are counted, so that a stopping node can stop
 * taking new ones (its readiness answers 503, the load balancer moves on) and let the ones it has
 * (a signature being made) finish before the database closes.
 */
export interface Drain {
  middleware: MiddlewareHandler;
  /** True once shutdown began. */
  readonly draining: boolean;
  /** Marks the node draining and resolves when no request is in flight, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<{ unfinished: number }>;
}

export function createDrain(): Drain {
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | null = null;
  return {
    middleware: async (_c, next) => {
      inFlight++;
      try {
        await next();
      } finally {
        inFlight--;
        if (inFlight === 0) idle?.();
      }
    },
    get draining() {
      return draining;
    },
    async drain(timeoutMs) {
      draining = true;
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return { unfinished: inFlight };
    },
  };
}
