import { defineCommand } from '../command.js';
import { withServices } from '../withServices.js';

/**
 * CA key roll-over (issue 21): a new CA key in the vault or HSM, its certificate and the two link
 * certificates. New certificates are issued under the new CA; the old one stays published (the
 * bundle /ca.pem, its CRL and OCSP) for the certificates it signed, until they expire or are renewed.
 */
export const caRollover = defineCommand({
  name: 'ca-rollover',
  args: [],
  options: {},
  description: 'roll the CA key over: a new CA key and certificate (plus link certificates); new certificates are issued under it, the old CA stays published',
  parse: () => ({}),
  run: () =>
    withServices(async (services) => {
      const previous = services.ca.current;
      const next = await services.ca.rollOver('cli');
      console.log(`CA generation ${next.id}: ${next.certificate.subject}, serial ${next.certificate.serialNumber.toLowerCase()}, valid to ${next.certificate.notAfter.toISOString()}`);
      console.log(`link certificates: generation ${previous.id} certifies ${next.id}, and ${next.id} certifies ${previous.id} (served at /ca-links.pem)`);
      console.log('new certificates are issued under the new CA; the old CA, its CRL and OCSP stay in service for the certificates it issued');
      return 0;
    }),
});
