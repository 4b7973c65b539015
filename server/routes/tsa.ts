import { createRoute, z } from '@hono/zod-openapi';
import { RoamSignError } from '../../shared/errors.js';
import { requesterReader } from '../http/requester.js';
import type { Services } from '../services.js';
import { serveTimeStampQuery } from '../tsa/serveTimeStampQuery.js';
import { apiRoutes, errorAnswers } from './apiRoute.js';

const QUERY_TYPE = 'application/timestamp-query';
const REPLY_TYPE = 'application/timestamp-reply';

const tsa = createRoute({
  method: 'post',
  path: '/tsa',
  tags: ['PKI'],
  summary: "RoamSign's RFC 3161 time-stamping authority",
  description:
    'Body: a DER TimeStampReq (application/timestamp-query; SHA-256, SHA-384 or SHA-512 imprint). Answer: a DER TimeStampResp (application/timestamp-reply), 200 when granted, 400 with status rejection and the failure info when refused. Another content type is 400 bad_request; too many queries from one address, 429 rate_limited.',
  responses: {
    200: { description: 'granted: the TimeStampResp with its token', content: { [REPLY_TYPE]: { schema: z.string().meta({ format: 'binary' }) } } },
    ...errorAnswers('bad_request', 'payload_too_large', 'rate_limited'),
  },
});

/** POST /tsa: thin; the verb (server/tsa) takes the budget and answers. */
export function tsaRoutes(services: Services) {
  const requesterOf = requesterReader(services.config);
  return apiRoutes().openapi(tsa, async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== QUERY_TYPE) throw new RoamSignError('bad_request', { contentType: `must be ${QUERY_TYPE}` });
    const query = new Uint8Array(await c.req.arrayBuffer());
    const answer = await serveTimeStampQuery(
      { db: services.db, tsa: services.tsa, now: services.now, queriesPerMinute: services.config.tsa.queriesPerMinute },
      { query, address: requesterOf(c).address },
    );
    return c.body(new Uint8Array(answer.reply), answer.granted ? 200 : 400, { 'Content-Type': REPLY_TYPE }) as never;
  });
}
