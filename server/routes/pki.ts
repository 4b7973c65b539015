import { Hono } from 'hono';
import { x509 } from '../ca/x509Setup.js';
import type { Services } from '../services.js';

/** The CA certificate and its current CRL, for OpenSSL and any other relying party. */
export function pkiRoutes(services: Services) {
  const { ca } = services;
  const noStore = { 'Cache-Control': 'no-cache' };
  return new Hono()
    .get('/ca.crt', (c) => c.body(new Uint8Array(ca.certificate.rawData), 200, { 'Content-Type': 'application/pkix-cert' }))
    .get('/ca.pem', (c) => c.body(ca.certificatePem + '\n', 200, { 'Content-Type': 'application/x-pem-file' }))
    .get('/crl', async (c) => c.body(new Uint8Array((await ca.currentCrl()).der), 200, { 'Content-Type': 'application/pkix-crl', ...noStore }))
    .get('/crl.pem', async (c) => {
      const { der } = await ca.currentCrl();
      // OpenSSL reads a PEM CRL only under the label X509 CRL.
      const pem = x509.PemConverter.encode(new Uint8Array(der), 'X509 CRL');
      return c.body(pem + '\n', 200, { 'Content-Type': 'application/x-pem-file', ...noStore });
    });
}
