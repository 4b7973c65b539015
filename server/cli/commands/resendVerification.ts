import { RoamSignError } from '../../../shared/errors.js';
import { actorOf, CLI_ACTOR, findAdmin, resendToUnverified, unverifiedOfficers, type Actor } from '../../portal/adminPortal.js';
import { defineCommand, UsageError } from '../command.js';
import { deliveryLine } from '../deliveryLine.js';
import { withServices } from '../withServices.js';

export const resendVerification = defineCommand({
  name: 'resend-verification',
  args: [],
  options: {
    import: { type: 'string', value: '<batch>', help: 'the officers of this import (its batch, as import-officers and the console show it)' },
    agency: { type: 'string', value: '<code>', help: 'or: the officers of this agency' },
    by: { type: 'string', value: '<adminId>', help: "re-send as this administrator (within the administrator's own scope)" },
  },
  synopsis: 'resend-verification (--import <batch> | --agency <code>) [--by <adminId>]',
  description: 're-send the e-mail verification link to every officer of that import (or agency) whose address is not verified yet; prints how many',
  parse: (_, { import: batch, agency, by }) => {
    if (!batch === !agency) throw new UsageError('give one of --import <batch> or --agency <code>');
    return { scope: batch ? { importBatch: batch } : { agencyCode: agency! }, by };
  },
  run: ({ scope, by }) =>
    withServices(async (services) => {
      let actor: Actor = CLI_ACTOR;
      if (by) {
        const admin = await findAdmin(services, by);
        if (!admin || admin.status !== 'active') throw new RoamSignError('not_found', { admin: by });
        actor = actorOf(admin);
      }
      const targets = await unverifiedOfficers(services, actor, scope);
      const { sent, skipped } = await resendToUnverified(services, actor, targets);
      console.log(`verification link re-sent to ${sent} officer(s)${skipped ? `, ${skipped} skipped` : ''}`);
      console.log(deliveryLine(services.config));
      return 0;
    }),
});
