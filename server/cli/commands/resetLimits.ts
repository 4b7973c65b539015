import { like, or } from 'drizzle-orm';
import { UsageError, defineCommand } from '../command.js';
import { withServices } from '../withServices.js';

/**
 * Gives budgets back (issue 23 item 1): a tester who spent the demo officers' hourly budgets from
 * fresh browser profiles, or an operator helping an officer, need not wait an hour. With a MyKad
 * number: that officer's budgets and every source address's; without: every budget.
 */
export const resetLimits = defineCommand({
  name: 'reset-limits',
  args: ['[nric]'],
  options: {},
  description: "give the message and password budgets back (one officer's and the source addresses', or all)",
  parse: ([nric]) => {
    if (nric !== undefined && !/^\d{12}$/.test(nric)) throw new UsageError(`"${nric}" is not a MyKad number (12 digits)`);
    return { nric };
  },
  run: ({ nric }) =>
    withServices(async (services) => {
      const { limitHits } = services.db.t;
      const which = nric === undefined ? undefined : or(like(limitHits.key, `%:${nric}`), like(limitHits.key, `%:${nric}:%`), like(limitHits.key, 'address:%'), like(limitHits.key, 'password-address:%'));
      const removed = (await services.db.orm.delete(limitHits).where(which).returning({ id: limitHits.id })).length;
      await services.audit.append({ actor: 'cli', action: 'limits.reset', subject: nric ?? null, details: { hits: removed } });
      console.log(`${removed} counted message(s) and attempt(s) removed: ${nric === undefined ? 'every budget' : `the budgets of ${nric} and of every source address`} start again`);
      return 0;
    }),
});
