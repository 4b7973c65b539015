import { createRoute } from '@hono/zod-openapi';
import { healthSchema } from '../../shared/schemas/health.js';
import pkg from '../../package.json' with { type: 'json' };
import { apiRoutes, jsonAnswer } from './apiRoute.js';

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Service'],
  summary: 'Liveness and version',
  responses: { 200: jsonAnswer(healthSchema, 'the server is up') },
});

export const healthRoutes = apiRoutes().openapi(health, (c) => c.json({ status: 'ok' as const, version: pkg.version }, 200));
