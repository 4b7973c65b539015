import { reinstateCertificate, suspendCertificate } from '../../lifecycle/suspension.js';
import { defineCommand, UsageError } from '../command.js';
import { withServices } from '../withServices.js';

const nricArg = (nric: string | undefined) => {
  if (!/^\d{12}$/.test(nric ?? '')) throw new UsageError(`nric ${JSON.stringify(nric)} is not a 12-digit MyKad number`);
  return { nric: nric! };
};

export const suspend = defineCommand({
  name: 'suspend',
  args: ['<nric>'],
  options: {},
  description: "put the officer's certificate on hold (certificateHold: CRL and OCSP show it, signing refused) until reinstate",
  parse: ([nric]) => nricArg(nric),
  run: ({ nric }) =>
    withServices(async (services) => {
      const result = await suspendCertificate(services, nric, 'cli');
      console.log(`${nric}: ${result}`);
      return result === 'suspended' ? 0 : 1;
    }),
});

export const reinstate = defineCommand({
  name: 'reinstate',
  args: ['<nric>'],
  options: {},
  description: "lift a certificate hold: the officer's certificate is good again (CRL reissued, OCSP good at once)",
  parse: ([nric]) => nricArg(nric),
  run: ({ nric }) =>
    withServices(async (services) => {
      const result = await reinstateCertificate(services, nric, 'cli');
      console.log(`${nric}: ${result}`);
      return result === 'reinstated' ? 0 : 1;
    }),
});
