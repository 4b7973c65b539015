import type { Context } from 'hono';
import type { Requester } from '../limits/requester.js';
import { clientAddressOf, trustedProxyList } from './clientAddress.js';
import { deviceHashOf } from './deviceCookie.js';

/** Reads a request's source address (ROAMSIGN_TRUSTED_PROXIES applied) and device cookie. */
export function requesterReader(config: { trustedProxies: readonly string[] }): (c: Context) => Requester {
  const proxies = trustedProxyList(config.trustedProxies);
  return (c) => ({ address: clientAddressOf(c, proxies), deviceHash: deviceHashOf(c) });
}
