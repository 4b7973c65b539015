import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { approvalDecisionSchema, approvalReleaseSchema, approvalRequestSchema } from '../../shared/schemas/approval.js';
import { decideApproval } from '../approvals/decideApproval.js';
import { releaseApproval } from '../approvals/releaseApproval.js';
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

const release = createRoute({
  method: 'post',
  path: '/approvals/{approvalId}/release',
  tags: ['Gate'],
  summary: 'A RoamSign Gate gives back an approval its legacy system did not take',
  description:
    'The back end answered 5xx or not at all after the gate let the approval through: its first use is forgotten, so the officer may retry the same signed post once. Only the client that recorded the approval, within 10 minutes. Audited as approval.released.',
  security: [{ [SECURITY.system]: ['approvals'] }],
  request: { params: z.object({ approvalId: z.string().regex(/^ap_[A-Za-z0-9_-]{10,40}$/) }), body: jsonBody(approvalReleaseSchema) },
  responses: { 200: jsonAnswer(z.object({ released: z.literal(true) }), 'given back'), ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'not_found') },
});

/** POST /api/v1/approvals: the gate's question (system client with the `approvals` scope only). */
export function approvalRoutes(services: Services) {
  const routes = apiRoutes();
  // Hono's `/approvals/*` matches `/approvals` too: one registration, one token lookup per call.
  routes.use('/approvals/*', systemCallers(services, { scope: 'approvals', browsers: false }));
  return routes
    .openapi(decide, async (c) => {
      const decision = await decideApproval(services, { input: c.req.valid('json'), client: c.var.systemClient });
      // Issue 24: counted where decided (refusals are aggregated in the audit log, issue 17).
      services.metrics?.approvalDecisions.inc(decision.decision === 'pass' ? { decision: 'passed', reason: decision.medium } : { decision: 'refused', reason: decision.reason });
      return c.json(decision, 200);
    })
    .openapi(release, async (c) => c.json(await releaseApproval(services, { approvalId: c.req.valid('param').approvalId, input: c.req.valid('json'), client: c.var.systemClient }), 200));
}
