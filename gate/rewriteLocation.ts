import type { IncomingMessage } from 'node:http';

/**
 * A redirect (or 201) from the back end that names the back end's own address is rewritten to the
 * address the browser used for the gate (its Host header), so the browser stays behind the gate.
 * Relative locations and other hosts are left alone. (http-proxy's autoRewrite skips 303.)
 */
export function rewriteLocation(upstreamRes: IncomingMessage, req: IncomingMessage, upstream: URL): void {
  const location = upstreamRes.headers.location;
  const status = upstreamRes.statusCode ?? 0;
  if (typeof location !== 'string' || !(status === 201 || (status >= 300 && status < 400)) || !req.headers.host) return;
  let target: URL;
  try {
    target = new URL(location);
  } catch {
    return; // relative: already right
  }
  if (target.origin !== upstream.origin) return;
  // The gate itself speaks plain HTTP (TLS, where used, ends in front of it).
  upstreamRes.headers.location = `http://${req.headers.host}${target.pathname}${target.search}${target.hash}`;
}
