import { defineCommand } from '../command.js';
import { withServices } from '../withServices.js';

export const auditVerify = defineCommand({
  name: 'audit-verify',
  args: [],
  options: {},
  description: "recompute the audit log's hash chain; exit 1 if broken",
  parse: () => ({}),
  run: () =>
    withServices(async (services) => {
      const check = await services.audit.verify();
      if (check.ok) console.log(`audit chain ok: ${check.entries} entries`);
      else console.error(`audit chain BROKEN at entry ${check.brokenAt} (of ${check.entries} read)`);
      return check.ok ? 0 : 1;
    }),
});
