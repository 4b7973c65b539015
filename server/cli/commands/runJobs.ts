import { sendRenewalNotices } from '../../lifecycle/renewalNotices.js';
import { runLifecycleJobs } from '../../lifecycle/scheduler.js';
import { defineCommand, UsageError } from '../command.js';
import { withServices } from '../withServices.js';

export const runJobs = defineCommand({
  name: 'run-jobs',
  args: ['[inactivityDays]'],
  options: {},
  description:
    'apply due movements, suspend officers inactive for more than inactivityDays (default ROAMSIGN_INACTIVITY_DAYS, 90) days, and send certificate expiry notices (30/7/1 days); safe to run any number of times',
  parse: ([days]) => {
    if (days === undefined) return { inactivityDays: undefined };
    const inactivityDays = Number(days);
    if (!(Number.isInteger(inactivityDays) && inactivityDays > 0)) throw new UsageError(`inactivityDays ${JSON.stringify(days)} is not a whole number of days above 0`);
    return { inactivityDays };
  },
  run: ({ inactivityDays }) =>
    withServices(async (services) => {
      const run = await runLifecycleJobs(services, { inactivityDays: inactivityDays ?? services.config.inactivityDays });
      const notices = await sendRenewalNotices(services);
      console.log(`movements applied: ${run.movementsApplied.length}, officers suspended: ${run.suspended.length}, accounts closed: ${run.closed.length}, expiry notices sent: ${notices.length}`);
      return 0;
    }),
});
