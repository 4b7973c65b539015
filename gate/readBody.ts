import type { IncomingMessage } from 'node:http';

export type BodyRead = { ok: true; raw: Buffer } | { ok: false; reason: 'too_large' | 'aborted' | 'busy' };

/**
 * The gate's budget for approval bodies held in memory at once (issue 17): every byte read is
 * taken from it, and given back when the request is done. A body that would overflow it is not
 * read on (503 with Retry-After), so memory stays bounded under many concurrent large posts.
 */
export interface BodyBudget {
  take(bytes: number): boolean;
  give(bytes: number): void;
  readonly used: number;
}

/**
 * What one byte of a body read whole costs in memory by the time the gate has checked it: the
 * chunks, their concatenation, the decoded text and the parsed fields (measured: a 10 MB form
 * raised the gate's RSS by about 30 MB). The budget counts that, not the raw bytes alone.
 */
export const MEMORY_PER_BODY_BYTE = 4;

export function createBodyBudget(maxBytes: number): BodyBudget {
  let used = 0;
  return {
    take(bytes) {
      if (used + bytes > maxBytes) return false;
      used += bytes;
      return true;
    },
    give(bytes) {
      used = Math.max(0, used - bytes);
    },
    get used() {
      return used;
    },
  };
}

/**
 * Reads a request body into memory, at most `maxBytes`, with or without Content-Length: the
 * approval must be checked whole before a byte of it reaches the back end. Over the limit the
 * reading stops at once (the answer then closes the connection).
 */
export function readBody(req: IncomingMessage, maxBytes: number, budget?: BodyBudget): Promise<BodyRead> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.pause();
      resolve({ ok: false, reason: 'too_large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyRead) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      // A body not read whole is not held: its bytes go back at once (a read one, when the caller is done).
      if (!result.ok) budget?.give(size * MEMORY_PER_BODY_BYTE);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > maxBytes) {
        req.pause();
        finish({ ok: false, reason: 'too_large' });
        return;
      }
      if (budget && !budget.take(chunk.length * MEMORY_PER_BODY_BYTE)) {
        req.pause();
        finish({ ok: false, reason: 'busy' });
        return;
      }
      size += chunk.length;
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish({ ok: true, raw: Buffer.concat(chunks, size) }));
    req.once('aborted', () => finish({ ok: false, reason: 'aborted' }));
    req.once('error', () => finish({ ok: false, reason: 'aborted' }));
  });
}
