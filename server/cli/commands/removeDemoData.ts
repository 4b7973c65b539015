import { removeDemoData as removeDemoOfficers } from '../../demo/removeDemoData.js';
import { defineCommand } from '../command.js';
import { withServices } from '../withServices.js';

export const removeDemoData = defineCommand({
  name: 'remove-demo-data',
  args: [],
  options: {},
  description: 'take the sandbox demo officers out of this data folder (certificates revoked, PINs erased, accounts closed), so it may run with the sandbox off',
  parse: () => ({}),
  run: () =>
    withServices(async (services) => {
      const removed = await removeDemoOfficers(services);
      console.log(removed.length ? `demo officers removed: ${removed.join(', ')}` : 'no demo officers in this data folder');
      return 0;
    }),
});
