import crypto from 'node:crypto';
import { Hono } from 'hono';
import { RoamSignError } from '../../shared/errors.js';
import { verifyRequestSchema } from '../../shared/schemas/verify.js';
import { CmsFormatError } from '../cms/parseDetached.js';
import type { Services } from '../services.js';
import { verifySignature } from '../signing/verifySignature.js';
import { validate } from './validate.js';

export function verifyRoutes(services: Services) {
  return new Hono().post('/verify', validate('json', verifyRequestSchema), async (c) => {
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
      });
      return c.json(report);
    } catch (error) {
      // API.md: bytes that are not a CMS SignedData at all are bad input.
      if (error instanceof CmsFormatError) throw new RoamSignError('bad_request', { signature: error.message });
      throw error;
    }
  });
}
