import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import pkg from '../../package.json' with { type: 'json' };
import { SECURITY } from './apiRoute.js';

const DESCRIPTION = [
  'Roaming + OTP signing for Malaysian government finance systems. The contract is API.md; this description is generated from the zod schemas the server validates with.',
  'Errors are `{ error: { code, message, details } }` with a stable code; messages are Bahasa Malaysia unless `Accept-Language: en`.',
  "Callers: the widget's frame and the extension's worker are browsers, identified by their `Origin` (allowed per system) and carrying no secret; a registered system's server sends `Authorization: Bearer <access_token>` (OAuth 2.0 client credentials); GPKI Mobile sends its device secret as a Bearer token.",
  'Bodies are limited while they stream (1 MiB; the portal\'s forms 2 MiB): more is `413 payload_too_large` and the connection is closed.',
].join('\n\n');

/**
 * Declares the security schemes and serves GET /openapi.json, generated (once, on first request)
 * from every route declared with createRoute under `app`. New routes (say POST /oauth2/token)
 * appear by being declared the same way and mounted with app.route().
 */
export function serveOpenApi<E extends Env>(app: OpenAPIHono<E>, publicUrl: string): void {
  const schemes = app.openAPIRegistry;
  schemes.registerComponent('securitySchemes', SECURITY.system, {
    type: 'http',
    scheme: 'bearer',
    description: "A registered system's access token (OAuth 2.0 client credentials, RFC 6749 §4.4), for calls that are not from a browser.",
  });
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
  let document: unknown;
  app.get('/openapi.json', (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'RoamSign API', version: pkg.version, description: DESCRIPTION },
      servers: [{ url: publicUrl }],
    });
    return c.json(document);
  });
}
