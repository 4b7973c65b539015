import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import type { Env } from 'hono';
import type { z } from 'zod';
import { ERROR_STATUS, RoamSignError, type ErrorCode } from '../../shared/errors.js';
import { errorBodySchema } from '../../shared/schemas/error.js';

// The building blocks of every API route file: routes are declared with createRoute from the
// same zod schemas that validate them, so /openapi.json is generated, never written by hand.

/** Any schema violation (body, path, query) is 400 bad_request with the failing fields. */
// `any`: one hook serves every route, whatever its input.
const badRequest: Hook<any, Env, any, any> = (result) => {
  if (!result.success) {
    throw new RoamSignError('bad_request', {
      issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
};

/** A new group of API routes (one per route file). */
export function apiRoutes() {
  return new OpenAPIHono<Env>({ defaultHook: badRequest });
}

/** An answer with a JSON body of this schema. */
export function jsonAnswer<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

/** A required JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

/** The error answers a route can give, one entry per status, each with the Error schema. */
export function errorAnswers(...codes: ErrorCode[]) {
  const statuses = [...new Set(codes.map((code) => ERROR_STATUS[code]))];
  return Object.fromEntries(
    statuses.map((status) => [status, jsonAnswer(errorBodySchema, codes.filter((code) => ERROR_STATUS[code] === status).join(', '))]),
  ) as Record<number, ReturnType<typeof jsonAnswer<typeof errorBodySchema>>>;
}

/** Security requirement names, declared once in routes/openapi.ts. */
export const SECURITY = {
  /** A browser (the widget's frame, the extension's worker): its Origin header, allowed for the system. */
  browser: 'browserOrigin',
  /** A registered system's server: OAuth 2.0 client-credentials access token. */
  system: 'systemClient',
  /** GPKI Mobile: the device secret from registration. */
  device: 'deviceToken',
  /** The same secret in ?token=, where EventSource cannot set headers. */
  deviceQuery: 'deviceTokenQuery',
} as const;

