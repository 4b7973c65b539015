import crypto from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import { RoamSignError } from '../../shared/errors.js';
import { verificationReportSchema, verifyRequestSchema } from '../../shared/schemas/verify.js';
import { CmsFormatError } from '../cms/parseDetached.js';
import type { Services } from '../services.js';
import { verifySignature } from '../signing/verifySignature.js';
import { apiRoutes, errorAnswers, jsonAnswer, jsonBody } from './apiRoute.js';

const verify = createRoute({
  method: 'post',
  path: '/verify',
  tags: ['Verification'],
  summary: 'Verify a detached CMS signature against the content or its SHA-256',
  description: 'Bytes that are not a CMS SignedData are 400 bad_request; a SignedData that does not verify is 200 with valid: false and the failing check named.',
  request: { body: jsonBody(verifyRequestSchema) },
  responses: { 200: jsonAnswer(verificationReportSchema, 'the verification report (valid may be false)'), ...errorAnswers('bad_request', 'payload_too_large') },
});

export function verifyRoutes(services: Services) {
  return apiRoutes().openapi(verify, async (c) => {
    const body = c.req.valid('json');
    const digest =
      'content' in body
        ? crypto.createHash('sha256').update(Buffer.from(body.content, 'base64')).digest()
        : Buffer.from(body.digest, 'base64');
    try {
      const report = await verifySignature({
        db: services.db,
        ca: services.ca,
        signature: Buffer.from(body.signature, 'base64'),
        digest,
        now: services.now,
        trustedTimeStampAuthorities: services.timeStamper.trusted,
      });
      return c.json(report, 200);
    } catch (error) {
      // API.md: bytes that are not a CMS SignedData at all are bad input.
      if (error instanceof CmsFormatError) throw new RoamSignError('bad_request', { signature: error.message });
      throw error;
    }
  });
}
