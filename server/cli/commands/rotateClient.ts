import { rotateClientSecret } from '../../clients/rotateClientSecret.js';
import { defineCommand } from '../command.js';
import { withServices } from '../withServices.js';

export const rotateClient = defineCommand({
  name: 'rotate-client',
  args: ['<client_id>'],
  options: {},
  description: 'new client_secret (printed once); the old one and its tokens die',
  parse: ([clientId]) => ({ clientId: clientId! }),
  run: ({ clientId }) =>
    withServices(async (services) => {
      const rotated = await rotateClientSecret(services, { clientId, actor: 'cli' });
      console.log(`client_id: ${rotated.clientId}`);
      console.log(`client_secret: ${rotated.clientSecret}`);
      return 0;
    }),
});
