import { createRoute } from '@hono/zod-openapi';
import { RoamSignError } from '../../shared/errors.js';
import { healthSchema, readinessSchema } from '../../shared/schemas/health.js';
import pkg from '../../package.json' with { type: 'json' };
import type { Db } from '../db/database.js';
import { apiRoutes, errorAnswers, jsonAnswer } from './apiRoute.js';

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Service'],
  summary: 'Liveness and version',
  responses: { 200: jsonAnswer(healthSchema, 'the server is up') },
});

const ready = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['Service'],
  summary: 'Readiness: this node can serve (its database answers and it is not shutting down)',
  description: 'For load balancers: 503 `unavailable` while the database does not answer or the node drains before it stops.',
  responses: { 200: jsonAnswer(readinessSchema, 'ready'), ...errorAnswers('unavailable') },
});

export function healthRoutes(deps: { db: Db; draining: () => boolean }) {
  return apiRoutes()
    .openapi(health, (c) => c.json({ status: 'ok' as const, version: pkg.version }, 200))
    .openapi(ready, async (c) => {
      if (deps.draining()) throw new RoamSignError('unavailable', { reason: 'draining' });
      const started = performance.now();
      try {
        await deps.db.get('select 1 as one');
      } catch {
        throw new RoamSignError('unavailable', { reason: 'database' });
      }
      return c.json({ status: 'ready' as const, database: deps.db.dialect, databaseMs: Math.round((performance.now() - started) * 10) / 10 }, 200);
    });
}
