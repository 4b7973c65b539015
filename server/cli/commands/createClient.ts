import { createClient as createOAuthClient } from '../../clients/createClient.js';
import { parseScopes, SCOPES } from '../../clients/scopes.js';
import { defineCommand, UsageError } from '../command.js';
import { withServices } from '../withServices.js';

export const createClient = defineCommand({
  name: 'create-client',
  args: ['<system>'],
  options: {
    name: { type: 'string', value: 'TEXT', help: "the client's name, for the operator" },
    scope: { type: 'string', value: '"signing approvals"', help: 'the scopes it may ask for, space-separated (default: signing approvals)' },
  },
  description: "register an OAuth 2.0 client for a system's server (or its gate); prints client_id and client_secret once (only a hash is stored)",
  parse: ([system], { name, scope }) => {
    const scopes = scope === undefined ? undefined : parseScopes(scope);
    if (scopes === undefined && scope !== undefined) throw new UsageError(`--scope ${JSON.stringify(scope)} is not a list of ${SCOPES.join(', ')}`);
    return { system: system!, ...(name ? { name } : {}), ...(scopes ? { scopes } : {}) };
  },
  run: (input) =>
    withServices(async (services) => {
      const created = await createOAuthClient(services, { ...input, actor: 'cli' });
      console.log(`client for ${created.system} (${created.name}), scopes: ${created.scopes.join(' ')}`);
      // Shown once: only a hash is stored.
      console.log(`client_id: ${created.clientId}`);
      console.log(`client_secret: ${created.clientSecret}`);
      return 0;
    }),
});
