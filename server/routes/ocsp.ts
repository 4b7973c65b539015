import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createOcspAnswerer } from '../ocsp/answerOcsp.js';
import { createResponderIdentity, type ResponderIdentities } from '../ocsp/responderIdentity.js';
import type { Services } from '../services.js';
import { apiRoutes } from './apiRoute.js';

const tags = ['PKI'];
const ocspResponse = {
  description: 'A DER OCSPResponse (RFC 6960): successful, signed by the delegated responder',
  content: { 'application/ocsp-response': { schema: z.string().meta({ format: 'binary' }) } },
};
const malformed = {
  description: 'Not an OCSP request: an unsigned OCSPResponse with status malformedRequest',
  content: { 'application/ocsp-response': { schema: z.string().meta({ format: 'binary' }) } },
};
const ocspPost = createRoute({
  method: 'post',
  path: '/ocsp',
  tags,
  summary: 'OCSP (RFC 6960), POST form',
  description:
    'A DER OCSPRequest in the body (Content-Type application/ocsp-request). Each certificate is answered good, revoked (time and reason) or unknown, with thisUpdate and nextUpdate (an hour on); a nonce is echoed. Revocations show at once, on every node.',
  request: { body: { required: true, content: { 'application/ocsp-request': { schema: z.string().meta({ format: 'binary' }) } } } },
  responses: { 200: ocspResponse, 400: malformed },
});
const ocspGet = createRoute({
  method: 'get',
  path: '/ocsp/{request}',
  tags,
  summary: 'OCSP (RFC 6960 Appendix A.1), GET form',
  description: 'The DER OCSPRequest, base64 then URL-encoded, as the last part of the path (it may contain `/`).',
  request: { params: z.object({ request: z.string() }) },
  responses: { 200: ocspResponse, 400: malformed },
});

/** `/ocsp`: thin; server/ocsp answers. Bad bytes get 400 with the protocol's own malformedRequest answer. */
export function ocspRoutes(services: Services) {
  const { db, vault, ca, audit, now } = services;
  // One delegated responder per CA generation, each certified by its own CA.
  const identities = new Map<number, ResponderIdentities>();
  const identity = (generation: number) => {
    let found = identities.get(generation);
    if (!found) identities.set(generation, (found = createResponderIdentity({ db, vault, ca, audit, now, generation })));
    return found;
  };
  const answer = createOcspAnswerer({ db, vault, ca, identity, now });
  const reply = async (c: Context, der: Uint8Array) => {
    const result = await answer(der);
    return c.body(new Uint8Array(result.der), result.status === 'successful' ? 200 : 400, {
      'Content-Type': 'application/ocsp-response',
      // Answers carry the time of asking and often a nonce: not for shared caches.
      'Cache-Control': 'no-store',
    });
  };
  const fromPath = (c: Context) => {
    // The raw path: base64 holds `/` and `+`, and clients URL-encode (RFC 6960 A.1).
    const encoded = new URL(c.req.url).pathname.slice('/ocsp/'.length);
    let text: string;
    try {
      text = decodeURIComponent(encoded);
    } catch {
      return new Uint8Array();
    }
    return /^[A-Za-z0-9+/=\s]+$/.test(text) ? new Uint8Array(Buffer.from(text, 'base64')) : new Uint8Array();
  };
  const routes = apiRoutes().openapi(ocspPost, async (c) => reply(c, new Uint8Array(await c.req.arrayBuffer())) as never);
  // Declared for /openapi.json; served by the wildcard below, since the base64 may hold `/`.
  routes.openAPIRegistry.registerPath(ocspGet);
  routes.get('/ocsp/*', (c) => reply(c, fromPath(c)));
  return routes;
}
