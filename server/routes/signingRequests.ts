import { Hono } from 'hono';
import { z } from 'zod';
import {
  completeSigningRequestSchema,
  createSigningRequestSchema,
  requestIdSchema,
} from '../../shared/schemas/signingRequest.js';
import type { Services } from '../services.js';
import { callerOf, trustedReporters } from './caller.js';
import { validate } from './validate.js';

const idParam = validate('param', z.object({ id: requestIdSchema }));

export function signingRequestRoutes(services: Services) {
  const { signing } = services;
  const trusted = trustedReporters(services.config);
  return new Hono()
    .post('/signing-requests', validate('json', createSigningRequestSchema), async (c) =>
      c.json(await signing.create(c.req.valid('json'), callerOf(c, trusted)), 201),
    )
    .get('/signing-requests/:id', idParam, async (c) => c.json(await signing.get(c.req.valid('param').id, callerOf(c, trusted))))
    .post('/signing-requests/:id/otp', idParam, async (c) => c.json(await signing.resendOtp(c.req.valid('param').id, callerOf(c, trusted))))
    .post('/signing-requests/:id/complete', idParam, validate('json', completeSigningRequestSchema), async (c) =>
      c.json(await signing.complete(c.req.valid('param').id, c.req.valid('json'), callerOf(c, trusted))),
    )
    .post('/signing-requests/:id/cancel', idParam, async (c) => c.json(await signing.cancel(c.req.valid('param').id, callerOf(c, trusted))));
}
