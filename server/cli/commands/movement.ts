import { applyDueMovements, MOVEMENT_KINDS, recordMovement } from '../../lifecycle/movements.js';
import { defineCommand, oneOf, UsageError } from '../command.js';
import { withServices } from '../withServices.js';

/** An ISO date-time, or a date alone taken as midnight in Malaysia (UTC+08:00). */
function parseEffectiveDate(value: string): number {
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value);
  if (Number.isNaN(at)) throw new UsageError(`effective date ${JSON.stringify(value)} is not an ISO date (2026-12-31) or date-time`);
  return at;
}

export const movement = defineCommand({
  name: 'movement',
  args: ['<nric>', `<${MOVEMENT_KINDS.join('|')}>`, '<effective-date>', '[toAgencyCode]'],
  options: {},
  description:
    'record a staff movement (a date alone is midnight in Malaysia, +08:00); signing is refused from that date; applied at once when already due. A transfer names the agency it goes to.',
  parse: ([nric, kind, when, toAgencyCode]) => ({
    nric: nric!,
    kind: oneOf(kind!, MOVEMENT_KINDS, 'movement'),
    effectiveAt: parseEffectiveDate(when!),
    toAgencyCode: toAgencyCode ?? null,
  }),
  run: (input) =>
    withServices(async (services) => {
      const recorded = await recordMovement(services, { ...input, recordedBy: 'cli' });
      // "Act at once on a movement notice": a movement already due is applied now, not at the next job.
      const applied = await applyDueMovements(services);
      const appliedNow = applied.some((m) => m.id === recorded.id);
      console.log(`${recorded.id}: ${recorded.kind} of ${input.nric} effective ${new Date(input.effectiveAt).toISOString()} ${appliedNow ? 'applied' : 'recorded'}`);
      return 0;
    }),
});
