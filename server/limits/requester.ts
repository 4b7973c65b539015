/**
 * What the server knows of who sent a request, beyond its credentials: the source address (the
 * socket's peer, or behind a configured trusted proxy the first untrusted X-Forwarded-For hop)
 * and the SHA-256 of the browser's device cookie. Either may be unknown (null).
 */
export interface Requester {
  address: string | null;
  deviceHash: string | null;
}

export const UNKNOWN_REQUESTER: Requester = { address: null, deviceHash: null };
