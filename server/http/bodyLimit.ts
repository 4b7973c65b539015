import type { Context, MiddlewareHandler } from 'hono';
import { RoamSignError } from '../../shared/errors.js';

/** Largest JSON body the API accepts: a 500-document batch is about 150 KB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads the request body into memory, counting the bytes as they arrive, whether or not the
 * client sent a Content-Length (a chunked body has none), and puts the buffered copy back on the
 * request so that handlers parse it as usual. Past `maxBytes` it stops reading and throws
 * `payload_too_large`: at most `maxBytes` are ever held, however much the client sends.
 *
 * The rest of a refused body is read and dropped, never cancelled: cancelling the stream would
 * destroy Node's request and with it the socket, and the client would lose the 413 it has not
 * read yet (server/http/nodeServer.ts closes such a connection only after a lingering drain).
 */
export async function bufferBodyWithin(c: Context, maxBytes: number): Promise<void> {
  const body = c.req.raw.body;
  if (!body) return;
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw new RoamSignError('payload_too_large', { maxBytes });
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        void discardRest(reader);
        throw new RoamSignError('payload_too_large', { maxBytes });
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof RoamSignError) throw error;
    // The client went away mid-body: nobody reads this answer, but it must not be a 5xx.
    throw new RoamSignError('bad_request', { reason: 'body_incomplete' }, { cause: error });
  }
  reader.releaseLock();
  c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks, size) });
}

/** Reads what is left of a refused body and drops it, until the client stops or the socket closes. */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    while (!(await reader.read()).done);
  } catch {
    // The connection closed: nothing left to drain.
  }
}

/**
 * Every request's body is read through `bufferBodyWithin` before any route sees it. `limitFor`
 * gives the limit of a path, or null for a part of the site that reads (and limits) its own
 * body, so that its refusal is shown in its own pages (the portal's forms).
 */
export function limitBodies(limitFor: (path: string) => number | null): MiddlewareHandler {
  return async (c, next) => {
    const limit = limitFor(c.req.path);
    if (limit !== null) await bufferBodyWithin(c, limit);
    await next();
  };
}

/**
 * A 413 ends the connection (`Connection: close`): the client may still be sending the body we
 * refused, and the socket cannot carry another request until that is over.
 */
export const closeAfterRefusedBody: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.status === 413) c.res.headers.set('Connection', 'close');
};
