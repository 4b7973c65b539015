import { createRoute, z } from '@hono/zod-openapi';
import { RoamSignError } from '../../shared/errors.js';
import { nricSchema } from '../../shared/schemas/common.js';
import { mediumAnswerSchema } from '../../shared/schemas/users.js';
import { findOfficer, mediumOf } from '../registry/officers.js';
import type { Services } from '../services.js';
import { apiRoutes, errorAnswers, jsonAnswer } from './apiRoute.js';

const medium = createRoute({
  method: 'get',
  path: '/users/{nric}/medium',
  tags: ['Officers'],
  summary: "The officer's signing media and the preferred one",
  request: { params: z.object({ nric: nricSchema.meta({ param: { name: 'nric', in: 'path' }, example: '900101011234' }) }) },
  responses: { 200: jsonAnswer(mediumAnswerSchema, 'the media'), ...errorAnswers('bad_request', 'user_not_found', 'origin_not_allowed') },
});

export function userRoutes(services: Services) {
  return apiRoutes().openapi(medium, async (c) => {
    const { nric } = c.req.valid('param');
    const officer = await findOfficer(services.db, nric);
    if (!officer) throw new RoamSignError('user_not_found');
    return c.json(await mediumOf(services.db, officer, services.now()), 200);
  });
}
