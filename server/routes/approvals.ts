import { Hono } from 'hono';
import { approvalRequestSchema } from '../../shared/schemas/approval.js';
import { decideApproval } from '../approvals/decideApproval.js';
import type { Services } from '../services.js';
import { systemCallers } from './systemCallers.js';
import { validate } from './validate.js';

/** POST /api/v1/approvals: a RoamSign Gate asks whether an approval post may reach its legacy system. */
export function approvalRoutes(services: Services) {
  return new Hono().post('/approvals', systemCallers(services, { scope: 'approvals', browsers: false }), validate('json', approvalRequestSchema), async (c) =>
    c.json(await decideApproval(services, { input: c.req.valid('json'), client: c.var.systemClient })),
  );
}
