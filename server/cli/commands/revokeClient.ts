import { revokeClient as revokeOAuthClient } from '../../clients/revokeClient.js';
import { defineCommand } from '../command.js';
import { withServices } from '../withServices.js';

export const revokeClient = defineCommand({
  name: 'revoke-client',
  args: ['<client_id>'],
  options: {},
  description: 'revoke a client: its secret and tokens stop working at once',
  parse: ([clientId]) => ({ clientId: clientId! }),
  run: ({ clientId }) =>
    withServices(async (services) => {
      const result = await revokeOAuthClient(services, { clientId, actor: 'cli' });
      console.log(`${clientId}: ${result}`);
      return result === 'not_found' ? 1 : 0;
    }),
});
