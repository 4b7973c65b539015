import { reactivate as reactivateOfficer } from '../../lifecycle/inactivity.js';
import { defineCommand } from '../command.js';
import { withServices } from '../withServices.js';

export const reactivate = defineCommand({
  name: 'reactivate',
  args: ['<nric>'],
  options: {},
  description: 'lift a suspension (inactivity or end of role)',
  parse: ([nric]) => ({ nric: nric! }),
  run: ({ nric }) =>
    withServices(async (services) => {
      console.log(`${nric}: ${await reactivateOfficer(services, nric, 'cli')}`);
      return 0;
    }),
});
