import { PASSKEY_POLICIES, policySetFor, setPasskeyPolicy } from '../../passkeys/passkeyPolicy.js';
import { defineCommand, oneOf } from '../command.js';
import { withServices } from '../withServices.js';

export const passkeyPolicy = defineCommand({
  name: 'passkey-policy',
  args: ['<system|agency>', '<id>', `[${PASSKEY_POLICIES.join('|')}|default]`],
  options: {},
  description: 'show or set the signing factor policy of a system or an agency (default: otp-or-passkey; the stricter of the two applies)',
  parse: ([scope, id, value]) => ({
    scope: oneOf(scope!, ['system', 'agency'] as const, 'scope'),
    scopeId: id!,
    value: value === undefined ? undefined : oneOf(value, [...PASSKEY_POLICIES, 'default'] as const, 'policy'),
  }),
  run: ({ scope, scopeId, value }) =>
    withServices(async (services) => {
      if (value !== undefined) await setPasskeyPolicy(services, { scope, scopeId, policy: value === 'default' ? null : value, actor: 'cli' });
      console.log(`${scope} ${scopeId}: ${(await policySetFor(services.db, scope, scopeId)) ?? 'default (otp-or-passkey)'}`);
      return 0;
    }),
});
