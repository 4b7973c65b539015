import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import pkg from '../../package.json' with { type: 'json' };
import { z } from '@hono/zod-openapi';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { SECURITY } from './apiRoute.js';
import { addExamples } from '../demo/apiExamples.js';

const DESCRIPTION = [
  'Roaming + OTP signing for Malaysian government finance systems. The contract is docs/api.md (design: docs/design.md); this description is generated from the zod schemas the server validates with.',
  'Errors are `{ error: { code, message, details } }` with a stable code; messages are Bahasa Malaysia unless `Accept-Language: en`.',
  "Callers: the widget's frame and the extension's worker are browsers, identified by their `Origin` (allowed per system) and carrying no secret; a registered system's server sends `Authorization: Bearer <access_token>` (OAuth 2.0 client credentials); GPKI Mobile sends its device secret as a Bearer token.",
  'Bodies are limited while they stream (1 MiB; the portal\'s forms 2 MiB): more is `413 payload_too_large` and the connection is closed.',
].join('\n\n');

/**
 * Declares the security schemes and serves GET /openapi.json, generated (once, on first request)
 * from every route declared with createRoute under `app`. New routes (say POST /oauth2/token)
 * appear by being declared the same way and mounted with app.route().
 */
export function serveOpenApi<E extends Env>(app: OpenAPIHono<E>, publicUrl: string): () => OpenApiDocument {
  const schemes = app.openAPIRegistry;
  schemes.registerComponent('securitySchemes', SECURITY.browser, {
    type: 'apiKey',
    in: 'header',
    name: 'Origin',
    description: "A browser: the widget's frame or the extension's worker. The browser sets `Origin` itself; it must be an origin allowed for the request's system. No secret.",
  });
  schemes.registerComponent('securitySchemes', SECURITY.system, {
    type: 'oauth2',
    description: "A registered system's server (or its gate): OAuth 2.0 client credentials (RFC 6749 §4.4); send `Authorization: Bearer <access_token>`. Browsers (the widget's frame, the extension) are known by their Origin instead and carry no credential.",
    flows: {
      clientCredentials: {
        tokenUrl: `${publicUrl}/oauth2/token`,
        scopes: { signing: 'create, read, complete and cancel signing requests of the client\'s own system', approvals: 'ask RoamSign to decide approval posts (the gate)' },
      },
    },
  });
  registerTokenEndpoint(schemes);
  schemes.registerComponent('securitySchemes', SECURITY.device, {
    type: 'http',
    scheme: 'bearer',
    description: 'GPKI Mobile: the device secret returned once by /mobile/registrations/{id}/confirm.',
  });
  schemes.registerComponent('securitySchemes', SECURITY.deviceQuery, {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: 'GPKI Mobile: the same device secret in the query, for EventSource, which cannot set headers.',
  });
  let document: OpenApiDocument | undefined;
  const generated = (): OpenApiDocument => {
    if (!document) {
      document = app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'RoamSign API', version: pkg.version, description: DESCRIPTION },
        servers: [{ url: publicUrl }],
      });
      addExamples(document as Parameters<typeof addExamples>[0]);
    }
    return document;
  };
  app.get('/openapi.json', (c) => c.json(generated()));
  return generated;
}

export type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/**
 * POST /oauth2/token is served by routes/oauth.ts, which answers in RFC 6749's own shapes (not the
 * API's Error), so it is described here rather than validated by a createRoute.
 */
function registerTokenEndpoint(registry: OpenAPIRegistry): void {
  const oauthError = z
    .object({
      error: z.enum(['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type', 'invalid_scope']),
      error_description: z.string().optional(),
    })
    .meta({ id: 'OAuthError' });
  registry.registerPath({
    method: 'post',
    path: '/oauth2/token',
    tags: ['Caller authentication'],
    summary: 'An access token for a registered system (RFC 6749 client credentials)',
    description: 'Client id and secret by HTTP Basic or as form fields (not both). Tokens live an hour; revoking or rotating the client ends them at once.',
    request: {
      body: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: z.object({
              grant_type: z.literal('client_credentials'),
              client_id: z.string().optional(),
              client_secret: z.string().optional(),
              scope: z.string().optional().meta({ description: 'space-separated: signing, approvals (default: all the client may have)' }),
            }),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'the token',
        content: {
          'application/json': {
            schema: z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int(), scope: z.string() }).meta({ id: 'AccessToken' }),
          },
        },
      },
      400: { description: 'invalid_request, unsupported_grant_type, invalid_scope', content: { 'application/json': { schema: oauthError } } },
      401: { description: 'invalid_client', content: { 'application/json': { schema: oauthError } } },
      413: { description: 'invalid_request: body too large', content: { 'application/json': { schema: oauthError } } },
    },
  });
}
