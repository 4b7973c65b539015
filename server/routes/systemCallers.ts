import type { MiddlewareHandler } from 'hono';
import { RoamSignError } from '../../shared/errors.js';
import { findAccessToken, type SystemClient } from '../clients/findAccessToken.js';
import type { Scope } from '../clients/scopes.js';
import type { Services } from '../services.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The registered system whose Bearer token authenticated this call. */
    systemClient: SystemClient;
  }
}

// RFC 6750 §2.1: "Bearer" 1*SP b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * API.md "Caller authentication (systems)": a call with a Bearer token acts for the token's
 * system (and needs `scope`); with `browsers`, a call without one must come from a browser
 * (an Origin header, already checked against the allowed origins). Anything else is 401.
 */
export function systemCallers(services: Pick<Services, 'db' | 'now' | 'config'>, options: { scope: Scope; browsers: boolean }): MiddlewareHandler {
  const { scope, browsers } = options;
  return async (c, next) => {
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const token = BEARER.exec(authorization.trim())?.[1];
      const client = token === undefined ? null : await findAccessToken(services, token);
      if (!client) {
        c.header('WWW-Authenticate', 'Bearer realm="RoamSign", error="invalid_token"');
        throw new RoamSignError('unauthorized', { reason: 'invalid_token' });
      }
      if (!client.scopes.includes(scope)) {
        c.header('WWW-Authenticate', `Bearer realm="RoamSign", error="insufficient_scope", scope="${scope}"`);
        throw new RoamSignError('forbidden', { reason: 'insufficient_scope', scope });
      }
      c.set('systemClient', client);
      return next();
    }
    if (browsers && c.req.header('origin') !== undefined) return next();
    c.header('WWW-Authenticate', 'Bearer realm="RoamSign"');
    throw new RoamSignError('unauthorized', { reason: browsers ? 'no_origin_or_token' : 'token_required' });
  };
}
