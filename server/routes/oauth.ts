import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { issueAccessToken, refuseTokenRequest } from '../clients/issueAccessToken.js';
import { requesterReader } from '../http/requester.js';
import { tallyCount } from '../limits/refusalTally.js';
import type { Services } from '../services.js';

/** A token request is a few hundred bytes. */
const MAX_TOKEN_REQUEST_BYTES = 8 * 1024;

type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope';

/** RFC 6749 §5.2: `{ error, error_description }`; 401 for a failed client authentication. */
function oauthError(c: Context, error: OAuthError, description: string, status: 400 | 401 | 413 | 429 = error === 'invalid_client' ? 401 : 400) {
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
  if (status === 401) c.header('WWW-Authenticate', 'Basic realm="RoamSign"');
  return c.json({ error, error_description: description }, status);
}

/** RFC 6749 §2.3.1: HTTP Basic with the form-encoded client id and secret; undefined when malformed. */
function basicCredentials(header: string): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // Each half is application/x-www-form-urlencoded: decode it with the standard parser.
  const formDecode = (value: string) => new URLSearchParams(`v=${value}`).get('v') ?? '';
  return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
}

const SINGLE_PARAMETERS = ['grant_type', 'client_id', 'client_secret', 'scope'] as const;

/** POST /oauth2/token (API.md "Caller authentication"): the client credentials grant only. */
export function oauthRoutes(services: Services) {
  const requesterOf = requesterReader(services.config);
  return new Hono().post(
    '/oauth2/token',
    bodyLimit({ maxSize: MAX_TOKEN_REQUEST_BYTES, onError: (c) => oauthError(c, 'invalid_request', 'request body too large', 413) }),
    async (c) => {
      const source = requesterOf(c).address;
      const refuse = async (error: OAuthError, description: string, clientId: string | null = null) => {
        const tallied = await refuseTokenRequest(services, { clientId, error, reason: description, source });
        if (tallied.limited) c.header('Retry-After', '60');
        return oauthError(c, error, description, tallied.limited ? 429 : undefined);
      };
      // Issue 17: after a few failed client authentications from this source this minute, every
      // request from it gets 429 (a right secret too: guessing must not go on), counted and aggregated.
      if ((await tallyCount(services.db, { kind: 'token', source: source ?? 'unknown', now: services.now() })) >= services.config.failedClientAuthPerMinute) {
        return refuse('invalid_client', 'too many failed client authentications from this address; retry in a minute');
      }
      if (!/^application\/x-www-form-urlencoded(;|$)/i.test(c.req.header('content-type') ?? '')) {
        return refuse('invalid_request', 'expected an application/x-www-form-urlencoded body');
      }
      const form = new URLSearchParams(await c.req.text());
      // RFC 6749 §3.2: parameters must not be repeated.
      const repeated = SINGLE_PARAMETERS.find((name) => form.getAll(name).length > 1);
      if (repeated) return refuse('invalid_request', `parameter ${repeated} repeated`);

      const grantType = form.get('grant_type');
      if (grantType === null) return refuse('invalid_request', 'grant_type missing');
      if (grantType !== 'client_credentials') return refuse('unsupported_grant_type', 'only client_credentials is supported');

      const authorization = c.req.header('authorization');
      const inBody = form.has('client_id') || form.has('client_secret');
      // RFC 6749 §2.3: a client uses one authentication method per request.
      if (authorization !== undefined && inBody) return refuse('invalid_request', 'client credentials given twice');
      const credentials =
        authorization !== undefined
          ? basicCredentials(authorization)
          : form.get('client_id') !== null && form.get('client_secret') !== null
            ? { clientId: form.get('client_id')!, clientSecret: form.get('client_secret')! }
            : undefined;
      if (!credentials || credentials.clientId === '') return refuse('invalid_client', 'client authentication missing or malformed', form.get('client_id'));

      const scope = form.get('scope');
      const grant = await issueAccessToken(services, { ...credentials, scope: scope ?? undefined, source });
      if (!grant.ok) {
        const limited = grant.limited;
        if (limited) c.header('Retry-After', '60');
        return oauthError(c, grant.error, grant.error === 'invalid_client' ? 'client authentication failed' : 'scope not granted to this client', limited ? 429 : undefined);
      }
      c.header('Cache-Control', 'no-store');
      c.header('Pragma', 'no-cache');
      return c.json({ access_token: grant.accessToken, token_type: 'Bearer', expires_in: grant.expiresIn, scope: grant.scopes.join(' ') });
    },
  );
}
