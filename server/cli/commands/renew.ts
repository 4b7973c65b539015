import { renewCertificate } from '../../lifecycle/renewCertificate.js';
import { defineCommand, UsageError } from '../command.js';
import { withServices } from '../withServices.js';

export const renew = defineCommand({
  name: 'renew',
  args: ['<nric>'],
  options: {},
  description: 'renew an officer\'s certificate: a new key in the vault or HSM and a new certificate; the old one is revoked as superseded',
  parse: ([nric]) => {
    if (!/^\d{12}$/.test(nric ?? '')) throw new UsageError(`nric ${JSON.stringify(nric)} is not a 12-digit MyKad number`);
    return { nric: nric! };
  },
  run: ({ nric }) =>
    withServices(async (services) => {
      const renewal = await renewCertificate(services, nric, 'cli');
      console.log(`${nric}: renewed, certificate ${renewal.certificate.serial}${renewal.previousSerial ? ` (replaces ${renewal.previousSerial}, revoked as superseded)` : ''}`);
      return 0;
    }),
});
