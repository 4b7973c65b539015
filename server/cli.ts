import { eq } from 'drizzle-orm';
import type { RevocationReason } from './ca/certificateAuthority.js';
import { officers } from './db/schema.js';
import { parseConfig } from './env.js';
import { reactivate } from './lifecycle/inactivity.js';
import { applyDueMovements, MOVEMENT_KINDS, recordMovement, type MovementKind } from './lifecycle/movements.js';
import { runLifecycleJobs } from './lifecycle/scheduler.js';
import { latestCertificate } from './registry/officers.js';
import { createServices } from './services.js';
import { RoamSignError } from '../shared/errors.js';

const USAGE = `Usage: npm run roamsign -- <command>   (reads the same environment as the server, e.g. ROAMSIGN_DATA_DIR)

  audit-verify                 recompute the audit log's hash chain; exit 1 if broken
  revoke <serial|nric> [reason] revoke a certificate (reason: unspecified, keyCompromise,
                               affiliationChanged, superseded, cessationOfOperation); reissues the CRL
  crl                          reissue the CRL now
  unlock <nric>                clear an officer's PIN lock
  movement <nric> <transfer|retirement|end_of_role> <effective ISO date> [toAgencyCode]
                               record a staff movement (a date alone is midnight in Malaysia, +08:00);
                               signing is refused from that date; applied at once when already due
  run-jobs [inactivityDays]    apply due movements and suspend officers inactive for more than
                               inactivityDays (default 90) days; safe to run any number of times
  reactivate <nric>            lift a suspension (inactivity or end of role)`;

const REASONS: RevocationReason[] = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'];

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = parseConfig(process.env, { requireSmtp: false });
  const services = await createServices({ ...config, logLevel: 'silent' }, { seedDemo: false });
  try {
    switch (command) {
      case 'audit-verify': {
        const check = services.audit.verify();
        if (check.ok) console.log(`audit chain ok: ${check.entries} entries`);
        else console.error(`audit chain BROKEN at entry ${check.brokenAt} (of ${check.entries} read)`);
        return check.ok ? 0 : 1;
      }
      case 'revoke': {
        const [target, reason = 'unspecified'] = rest;
        if (!target || !REASONS.includes(reason as RevocationReason)) {
          console.error(USAGE);
          return 2;
        }
        const serial = /^\d{12}$/.test(target) ? latestCertificate(services.db, target)?.serial : target;
        if (!serial) {
          console.error(`no certificate for ${target}`);
          return 1;
        }
        const result = await services.ca.revoke(serial, reason as RevocationReason, 'cli');
        console.log(`${serial}: ${result}`);
        return result === 'not_found' ? 1 : 0;
      }
      case 'crl': {
        const crl = await services.ca.issueCrl();
        console.log(`CRL #${crl.number} issued, ${crl.revoked.size} revoked, next update ${crl.nextUpdate.toISOString()}`);
        return 0;
      }
      case 'unlock': {
        const [nric] = rest;
        if (!nric) {
          console.error(USAGE);
          return 2;
        }
        const changed = services.db.update(officers).set({ pinFailures: 0, pinLockedAt: null }).where(eq(officers.nric, nric)).run().changes;
        if (changed) services.audit.append({ actor: 'cli', action: 'pin.unlocked', subject: nric, details: {} });
        console.log(changed ? `${nric} unlocked` : `no officer ${nric}`);
        return changed ? 0 : 1;
      }
      case 'movement': {
        const [nric, kind, when, toAgencyCode] = rest;
        const effectiveAt = when ? parseEffectiveDate(when) : NaN;
        if (!nric || !(MOVEMENT_KINDS as readonly string[]).includes(kind ?? '') || Number.isNaN(effectiveAt)) {
          console.error(USAGE);
          return 2;
        }
        const movement = recordMovement(services, { nric, kind: kind as MovementKind, effectiveAt, toAgencyCode: toAgencyCode ?? null, recordedBy: 'cli' });
        // "Act at once on a movement notice" (DESIGN.md): a movement already due is applied now, not at the next job.
        const applied = await applyDueMovements(services);
        const appliedNow = applied.some((m) => m.id === movement.id);
        console.log(`${movement.id}: ${movement.kind} of ${nric} effective ${new Date(effectiveAt).toISOString()} ${appliedNow ? 'applied' : 'recorded'}`);
        return 0;
      }
      case 'run-jobs': {
        const [days] = rest;
        const inactivityDays = days === undefined ? undefined : Number(days);
        if (inactivityDays !== undefined && !(Number.isInteger(inactivityDays) && inactivityDays > 0)) {
          console.error(USAGE);
          return 2;
        }
        const run = await runLifecycleJobs(services, { inactivityDays: inactivityDays ?? config.inactivityDays });
        console.log(`movements applied: ${run.movementsApplied.length}, officers suspended: ${run.suspended.length}`);
        return 0;
      }
      case 'reactivate': {
        const [nric] = rest;
        if (!nric) {
          console.error(USAGE);
          return 2;
        }
        console.log(`${nric}: ${reactivate(services, nric, 'cli')}`);
        return 0;
      }
      default:
        console.error(`unknown command ${command}\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    // A refusal (unknown officer, unknown agency, retired officer) is the operator's input: say why, exit 1.
    if (!(error instanceof RoamSignError)) throw error;
    console.error(`refused: ${error.code}${error.details ? ` ${JSON.stringify(error.details)}` : ''}`);
    return 1;
  } finally {
    services.close();
  }
}

/** An ISO date-time, or a date alone taken as midnight in Malaysia (UTC+08:00). */
function parseEffectiveDate(value: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value);
}

process.exitCode = await main(process.argv.slice(2));
