import http from 'node:http';
import type { Socket } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { ErrorBody } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';

/** Request line plus headers, at most (Node's default, stated): a longer URL or header is refused. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Idle keep-alive connections are kept this long. */
export const KEEP_ALIVE_MS = 65_000;

/** How long a connection whose body we refused keeps being read and dropped before it is closed. */
export const LINGER_MS = 5_000;

type Fetch = (request: Request) => Response | Promise<Response>;

/**
 * The Node HTTP server in front of the app: requests whose line or headers Node itself refuses
 * (too long, malformed) get the API's JSON error shape, and a connection closed with a request
 * body still arriving is closed only after a lingering drain, so the client reads our answer.
 */
export function createHttpServer(fetch: Fetch): http.Server {
  const server = createAdaptorServer({ fetch, serverOptions: { maxHeaderSize: MAX_HEADER_BYTES } }) as http.Server;
  // Idle keep-alive connections live longer than a load balancer's (often 60 s) and a client's own
  // idle timeout: whoever closes an idle connection, it is not this server at the moment a reused
  // one carries a request (the client would see "other side closed").
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  server.on('clientError', answerClientError);
  server.on('request', (request: http.IncomingMessage) => lingerWhileBodyArrives(request));
  return server;
}

/** Listens and resolves once the port is open. */
export async function startHttpServer(options: { fetch: Fetch; port: number; hostname: string }): Promise<http.Server> {
  const server = createHttpServer(options.fetch);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

const CLIENT_ERRORS: Record<string, { status: number; reason: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'request_header_fields_too_large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'request_timeout' },
  ERR_HTTP_HEADERS_TIMEOUT: { status: 408, reason: 'request_timeout' },
};

/**
 * Node's default answers a request it cannot parse with a bare status line (a 431 with no body for
 * a 16 KB URL). Ours is the API's JSON error shape, code bad_request, with the reason; Bahasa
 * Malaysia, since the Accept-Language header is among what could not be read.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, reason } = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, reason: 'malformed_request' };
  const limit = status === 431 ? { maxBytes: MAX_HEADER_BYTES } : {};
  const body: ErrorBody = { error: { code: 'bad_request', message: t('ms', 'error.bad_request'), details: { reason, ...limit } } };
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(json)}\r\n` +
      'Connection: close\r\n\r\n' +
      json,
  );
}

type LingeringSocket = Socket & { destroySoon(): void; [current]?: http.IncomingMessage };
const current = Symbol('request being served');
const patched = new WeakSet<Socket>();

/**
 * After an answer with `Connection: close` Node destroys the socket at once (`destroySoon`). If
 * the client is still sending the request body then, its next packet meets a closed socket, the
 * kernel answers with a reset, and the client may lose the answer it had not read yet (Node's
 * fetch lost half of its 413s this way). Like nginx's lingering close, we instead half-close
 * (the client reads our answer to its end), keep reading and dropping the body, and destroy the
 * socket when the body ends, the client closes, or after LINGER_MS.
 */
function lingerWhileBodyArrives(request: http.IncomingMessage): void {
  const socket = request.socket as LingeringSocket;
  socket[current] = request;
  if (patched.has(socket)) return;
  patched.add(socket);
  const destroySoon = socket.destroySoon.bind(socket);
  let lingering = false;
  socket.destroySoon = () => {
    const unfinished = socket[current];
    if (!unfinished || unfinished.complete) return destroySoon();
    if (lingering) return;
    lingering = true;
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    unfinished.once('end', () => socket.destroy());
    unfinished.resume();
  };
}
