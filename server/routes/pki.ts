import { createRoute, z } from '@hono/zod-openapi';
import { x509 } from '../ca/x509Setup.js';
import { RoamSignError } from '../../shared/errors.js';
import type { Services } from '../services.js';
import { apiRoutes, errorAnswers } from './apiRoute.js';

const binary = (type: string, description: string) => ({ description, content: { [type]: { schema: z.string().meta({ format: 'binary' }) } } });
const text = (description: string) => ({ description, content: { 'application/x-pem-file': { schema: z.string() } } });
const tags = ['PKI'];

const caDer = createRoute({ method: 'get', path: '/ca.crt', tags, summary: 'The first CA certificate (DER; the CA issuers URL of its certificates; later CA generations at /ca/{generation})', responses: { 200: binary('application/pkix-cert', 'DER') } });
const caPem = createRoute({ method: 'get', path: '/ca.pem', tags, summary: 'Every CA certificate (PEM bundle; one until the first CA roll-over, then old and new)', responses: { 200: text('PEM') } });
const crlDer = createRoute({ method: 'get', path: '/crl', tags, summary: 'The first CA\'s current CRL (DER; later CA generations at /crl/{generation})', responses: { 200: binary('application/pkix-crl', 'DER') } });
const crlPem = createRoute({ method: 'get', path: '/crl.pem', tags, summary: 'The first CA\'s current CRL (PEM, label X509 CRL)', responses: { 200: text('PEM') } });
const bundlePem = createRoute({
  method: 'get',
  path: '/ca-bundle.pem',
  tags,
  summary: 'Every CA certificate, old and new (PEM): the trust bundle across CA roll-overs (the same as /ca.pem)',
  responses: { 200: text('PEM') },
});
const linksPem = createRoute({ method: 'get', path: '/ca-links.pem', tags, summary: 'The link certificates of each CA roll-over (PEM; empty before the first)', responses: { 200: text('PEM') } });
const generationParams = z.object({ generation: z.string().regex(/^[1-9][0-9]{0,5}$/) });
const generationDer = createRoute({
  method: 'get',
  path: '/ca/{generation}',
  tags,
  summary: 'One CA generation\'s certificate (DER): the CA issuers URL of certificates issued after a roll-over',
  request: { params: generationParams },
  responses: { 200: binary('application/pkix-cert', 'DER'), ...errorAnswers('bad_request', 'not_found') },
});
const generationCrl = createRoute({
  method: 'get',
  path: '/crl/{generation}',
  tags,
  summary: 'One CA generation\'s current CRL (DER): the CRL distribution point of certificates issued after a roll-over',
  request: { params: generationParams },
  responses: { 200: binary('application/pkix-crl', 'DER'), ...errorAnswers('bad_request', 'not_found') },
});

/**
 * The CA certificate and its current CRL, for OpenSSL and any other relying party. After a CA
 * roll-over (issue 21) every generation stays published: `/ca.crt` and `/crl` are the first
 * generation's (the URLs its certificates carry), `/ca/<n>` and `/crl/<n>` each later one's, and
 * `/ca.pem` the bundle of all of them.
 */
export function pkiRoutes(services: Services) {
  const { ca } = services;
  const noStore = { 'Cache-Control': 'no-cache' };
  const FIRST = 1;
  // currentCrl() notices a roll-over made by another process (the CLI) before the bundle is read.
  const bundle = async () => {
    await ca.currentCrl();
    return ca.bundlePem;
  };
  const generationOf = async (param: string) => {
    await ca.currentCrl();
    const generation = ca.generation(Number(param));
    if (!generation) throw new RoamSignError('not_found', { reason: 'no_ca_generation' });
    return generation;
  };
  return apiRoutes()
    .openapi(caDer, (c) => c.body(new Uint8Array(ca.generations[0]!.certificate.rawData), 200, { 'Content-Type': 'application/pkix-cert' }))
    .openapi(caPem, async (c) => c.body((await bundle()) + '\n', 200, { 'Content-Type': 'application/x-pem-file', ...noStore }))
    .openapi(bundlePem, async (c) => c.body((await bundle()) + '\n', 200, { 'Content-Type': 'application/x-pem-file', ...noStore }))
    .openapi(linksPem, async (c) => {
      await ca.currentCrl();
      const links = ca.linksPem;
      return c.body(links ? links + '\n' : '', 200, { 'Content-Type': 'application/x-pem-file', ...noStore });
    })
    .openapi(crlDer, async (c) => c.body(new Uint8Array((await ca.currentCrl(FIRST)).der), 200, { 'Content-Type': 'application/pkix-crl', ...noStore }))
    .openapi(generationDer, async (c) => {
      const generation = await generationOf(c.req.valid('param').generation);
      return c.body(new Uint8Array(generation.certificate.rawData), 200, { 'Content-Type': 'application/pkix-cert' });
    })
    .openapi(generationCrl, async (c) => {
      const generation = await generationOf(c.req.valid('param').generation);
      return c.body(new Uint8Array((await ca.currentCrl(generation.id)).der), 200, { 'Content-Type': 'application/pkix-crl', ...noStore });
    })
    .openapi(crlPem, async (c) => {
      const { der } = await ca.currentCrl(FIRST);
      // OpenSSL reads a PEM CRL only under the label X509 CRL.
      const pem = x509.PemConverter.encode(new Uint8Array(der), 'X509 CRL');
      return c.body(pem + '\n', 200, { 'Content-Type': 'application/x-pem-file', ...noStore });
    });
}
