import { createRoute } from '@hono/zod-openapi';
import { approvalDecisionSchema, approvalRequestSchema } from '../../shared/schemas/approval.js';
import { decideApproval } from '../approvals/decideApproval.js';
import type { Services } from '../services.js';
import { apiRoutes, errorAnswers, jsonAnswer, jsonBody, SECURITY } from './apiRoute.js';
import { systemCallers } from './systemCallers.js';

const decide = createRoute({
  method: 'post',
  path: '/approvals',
  tags: ['Gate'],
  summary: 'A RoamSign Gate asks whether an approval post may reach its legacy system',
  description:
    'Checks, in one step, that the posted document is the one signed, by the officer the post names, for the caller\'s system, by a signature that verifies (signature, chain, revocation) and is fresh, and records its first use: a second use of the same signed document is refused as a replay. Every decision is audited.',
  security: [{ [SECURITY.system]: ['approvals'] }],
  request: { body: jsonBody(approvalRequestSchema) },
  responses: { 200: jsonAnswer(approvalDecisionSchema, 'the decision'), ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'payload_too_large') },
});

/** POST /api/v1/approvals: the gate's question (system client with the `approvals` scope only). */
export function approvalRoutes(services: Services) {
  const routes = apiRoutes();
  routes.use('/approvals', systemCallers(services, { scope: 'approvals', browsers: false }));
  return routes.openapi(decide, async (c) => c.json(await decideApproval(services, { input: c.req.valid('json'), client: c.var.systemClient }), 200));
}
