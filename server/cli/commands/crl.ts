import { defineCommand } from '../command.js';
import { withServices } from '../withServices.js';

export const crl = defineCommand({
  name: 'crl',
  args: [],
  options: {},
  description: 'reissue the CRL now',
  parse: () => ({}),
  run: () =>
    withServices(async (services) => {
      const issued = await services.ca.issueCrl();
      console.log(`CRL #${issued.number} issued, ${issued.revoked.size} revoked, next update ${issued.nextUpdate.toISOString()}`);
      return 0;
    }),
});
