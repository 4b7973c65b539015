import { Hono } from 'hono';
import { z } from 'zod';
import { RoamSignError } from '../../shared/errors.js';
import { nricSchema } from '../../shared/schemas/common.js';
import { findOfficer, mediumOf } from '../registry/officers.js';
import type { Services } from '../services.js';
import { validate } from './validate.js';

export function userRoutes(services: Services) {
  return new Hono().get('/users/:nric/medium', validate('param', z.object({ nric: nricSchema })), async (c) => {
    const { nric } = c.req.valid('param');
    const officer = await findOfficer(services.db, nric);
    if (!officer) throw new RoamSignError('user_not_found');
    return c.json(await mediumOf(services.db, officer, services.now()));
  });
}
