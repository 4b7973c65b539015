import { sendPasswordLink } from '../../portal/adminAccounts.js';
import { findAdminByNric } from '../../portal/adminPortal.js';
import { defineCommand } from '../command.js';
import { deliveryLine } from '../deliveryLine.js';
import { withServices } from '../withServices.js';

export const resetAdminPassword = defineCommand({
  name: 'reset-admin-password',
  args: ['<nric>'],
  options: {},
  description:
    "e-mail an administrator a one-time link to set a new password; the old password and the administrator's sessions stop at once (recovery when no higher role can reset, e.g. the link of a new account was lost)",
  parse: ([nric]) => ({ nric: nric! }),
  run: ({ nric }) =>
    withServices(async (services) => {
      const admin = await findAdminByNric(services, nric);
      if (!admin) {
        console.error(`no administrator with MyKad number ${nric}`);
        return 1;
      }
      // The reset kills the old password: with no way to deliver the link, it would lock the account out.
      if (!services.config.sandbox && !services.config.smtpUrl) {
        console.error(`${deliveryLine(services.config)}; nothing was changed`);
        return 1;
      }
      await sendPasswordLink(services, admin.id, 'cli', 'reset');
      console.log(`a one-time link to set a new password was e-mailed to ${admin.email}`);
      console.log(deliveryLine(services.config));
      return 0;
    }),
});
