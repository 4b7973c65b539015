import fs from 'node:fs';
import { RoamSignError } from '../../../shared/errors.js';
import { actorOf, findAdmin, type Actor } from '../../portal/adminPortal.js';
import { importOfficers as importFromCsv } from '../../portal/csvImport.js';
import { defineCommand, UsageError } from '../command.js';
import { deliveryLine } from '../deliveryLine.js';
import { withServices } from '../withServices.js';

export const importOfficers = defineCommand({
  name: 'import-officers',
  args: ['<file.csv>'],
  options: {
    agency: { type: 'string', value: '<code>', required: true, help: 'the agency the officers are registered in' },
    by: { type: 'string', value: '<adminId>', help: "import as this administrator (within the administrator's own scope)" },
  },
  description:
    'register officers from the rollout template (nric,name,email,agency,accounting_office,system) within one agency; prints a per-row report; exit 1 when any row was rejected',
  parse: ([file], { agency, by }) => {
    let csv: string;
    try {
      csv = fs.readFileSync(file!, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    return { csv, agency: agency!, by };
  },
  run: ({ csv, agency, by }) =>
    withServices(async (services) => {
      let actor: Actor = { label: 'cli', agencyCode: agency };
      if (by) {
        const admin = await findAdmin(services, by);
        if (!admin || admin.status !== 'active') throw new RoamSignError('not_found', { admin: by });
        // The administrator's own scope still applies: a scoped role imports only into its agency.
        if (actorOf(admin).agencyCode !== null && admin.agencyCode !== agency) throw new RoamSignError('forbidden', { reason: 'agency_outside_scope' });
        actor = { label: `admin:${admin.id}`, agencyCode: agency };
      }
      const report = await importFromCsv(services, actor, csv);
      for (const r of report) console.log(`row ${r.row}\t${r.nric}\t${r.status}${r.reason ? `\t${r.reason}` : ''}`);
      const rejected = report.filter((r) => r.status === 'rejected').length;
      console.log(`${report.length - rejected} imported, ${rejected} rejected`);
      console.log(deliveryLine(services.config));
      return rejected ? 1 : 0;
    }),
});
