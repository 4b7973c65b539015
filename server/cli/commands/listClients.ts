import { listClients as listOAuthClients } from '../../clients/listClients.js';
import { defineCommand } from '../command.js';
import { withServices } from '../withServices.js';

export const listClients = defineCommand({
  name: 'list-clients',
  args: ['[system]'],
  options: {},
  description: 'the registered clients (never their secrets): client_id, system, scopes, state, name',
  parse: ([system]) => (system ? { system } : {}),
  run: (filter) =>
    withServices(async (services) => {
      for (const c of await listOAuthClients(services, filter)) {
        console.log(`${c.clientId}\t${c.system}\t${c.scopes.join(' ')}\t${c.revokedAt ? `revoked ${c.revokedAt}` : 'active'}\t${c.name}`);
      }
      return 0;
    }),
});
