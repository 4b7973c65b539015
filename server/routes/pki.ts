import { createRoute, z } from '@hono/zod-openapi';
import { x509 } from '../ca/x509Setup.js';
import type { Services } from '../services.js';
import { apiRoutes } from './apiRoute.js';

const binary = (type: string, description: string) => ({ description, content: { [type]: { schema: z.string().meta({ format: 'binary' }) } } });
const text = (description: string) => ({ description, content: { 'application/x-pem-file': { schema: z.string() } } });
const tags = ['PKI'];

const caDer = createRoute({ method: 'get', path: '/ca.crt', tags, summary: 'The issuing CA certificate (DER)', responses: { 200: binary('application/pkix-cert', 'DER') } });
const caPem = createRoute({ method: 'get', path: '/ca.pem', tags, summary: 'The issuing CA certificate (PEM)', responses: { 200: text('PEM') } });
const crlDer = createRoute({ method: 'get', path: '/crl', tags, summary: 'The current CRL (DER)', responses: { 200: binary('application/pkix-crl', 'DER') } });
const crlPem = createRoute({ method: 'get', path: '/crl.pem', tags, summary: 'The current CRL (PEM, label X509 CRL)', responses: { 200: text('PEM') } });

/** The CA certificate and its current CRL, for OpenSSL and any other relying party. */
export function pkiRoutes(services: Services) {
  const { ca } = services;
  const noStore = { 'Cache-Control': 'no-cache' };
  return apiRoutes()
    .openapi(caDer, (c) => c.body(new Uint8Array(ca.certificate.rawData), 200, { 'Content-Type': 'application/pkix-cert' }))
    .openapi(caPem, (c) => c.body(ca.certificatePem + '\n', 200, { 'Content-Type': 'application/x-pem-file' }))
    .openapi(crlDer, async (c) => c.body(new Uint8Array((await ca.currentCrl()).der), 200, { 'Content-Type': 'application/pkix-crl', ...noStore }))
    .openapi(crlPem, async (c) => {
      const { der } = await ca.currentCrl();
      // OpenSSL reads a PEM CRL only under the label X509 CRL.
      const pem = x509.PemConverter.encode(new Uint8Array(der), 'X509 CRL');
      return c.body(pem + '\n', 200, { 'Content-Type': 'application/x-pem-file', ...noStore });
    });
}
