import { createAdmin as createAdministrator, type AdminRole } from '../../portal/adminPortal.js';
import { defineCommand, oneOf } from '../command.js';
import { withServices } from '../withServices.js';

const ROLES: AdminRole[] = ['admin', 'sap', 'sa', 'ap'];

export const createAdmin = defineCommand({
  name: 'create-admin',
  args: ['<nric>', '<name>', '<email>'],
  options: {
    role: { type: 'string', value: ROLES.join('|'), help: 'admin: national (the default); sap, sa, ap: within --agency' },
    agency: { type: 'string', value: '<code>', help: 'the agency a scoped role acts in' },
  },
  description:
    'create an administrator (default: the national admin); prints a one-time initial password, chosen anew at first sign-in, or uses ROAMSIGN_ADMIN_PASSWORD when set',
  parse: ([nric, name, email], { role, agency }) => ({ nric: nric!, name: name!, email: email!, role: oneOf(role ?? 'admin', ROLES, 'role'), agencyCode: agency ?? null }),
  run: (input) =>
    withServices(async (services) => {
      const given = process.env.ROAMSIGN_ADMIN_PASSWORD;
      const created = await createAdministrator(services, { ...input, ...(given ? { password: given } : { mustChangePassword: true }) }, 'cli');
      console.log(`administrator ${created.id} created (${input.role})`);
      // Shown once: only its scrypt verifier is stored.
      if (!given) console.log(`initial password (shown once; you choose your own at first sign-in): ${created.password}`);
      return 0;
    }),
});
