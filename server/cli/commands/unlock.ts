import { eq } from 'drizzle-orm';
import { defineCommand } from '../command.js';
import { withServices } from '../withServices.js';

export const unlock = defineCommand({
  name: 'unlock',
  args: ['<nric>'],
  options: {},
  description: "clear an officer's PIN lock",
  parse: ([nric]) => ({ nric: nric! }),
  run: ({ nric }) =>
    withServices(async (services) => {
      const { officers } = services.db.t;
      const changed = (
        await services.db.orm.update(officers).set({ pinFailures: 0, pinLockedAt: null }).where(eq(officers.nric, nric)).returning({ nric: officers.nric })
      ).length;
      if (changed) await services.audit.append({ actor: 'cli', action: 'pin.unlocked', subject: nric, details: {} });
      console.log(changed ? `${nric} unlocked` : `no officer ${nric}`);
      return changed ? 0 : 1;
    }),
});
