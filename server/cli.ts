import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { RevocationReason } from './ca/certificateAuthority.js';
import { DB_FILE, restrictNewFiles } from './dataFolder.js';
import { removeDemoData } from './demo/removeDemoData.js';
import { parseConfig } from './env.js';
import { dialectOf, openDb } from './db/database.js';
import { migrateToPostgres } from './ops/migrateToPostgres.js';
import { loadOrCreateMasterKey } from './vault/masterKey.js';
import { reactivate } from './lifecycle/inactivity.js';
import { applyDueMovements, MOVEMENT_KINDS, recordMovement, type MovementKind } from './lifecycle/movements.js';
import { runLifecycleJobs } from './lifecycle/scheduler.js';
import { latestCertificate } from './registry/officers.js';
import { createServices } from './services.js';
import { createAdmin, findAdmin, findAdminByNric, actorOf, CLI_ACTOR, resendToUnverified, unverifiedOfficers, type Actor, type AdminRole } from './portal/adminPortal.js';
import { sendPasswordLink } from './portal/adminAccounts.js';
import { importOfficers } from './portal/csvImport.js';
import fs from 'node:fs';
import { RoamSignError } from '../shared/errors.js';
import { createClient } from './clients/createClient.js';
import { listClients } from './clients/listClients.js';
import { revokeClient } from './clients/revokeClient.js';
import { rotateClientSecret } from './clients/rotateClientSecret.js';
import { parseScopes } from './clients/scopes.js';
import { isPasskeyPolicy, policySetFor, setPasskeyPolicy, type PasskeyPolicy } from './passkeys/passkeyPolicy.js';

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
  reactivate <nric>            lift a suspension (inactivity or end of role)
  create-admin <nric> <name> <email> [--role admin|sap|sa|ap] [--agency <code>]
                               create an administrator (default: the national admin); prints a
                               one-time initial password, or uses ROAMSIGN_ADMIN_PASSWORD
  reset-admin-password <nric>  e-mail an administrator a one-time link to set a new password; the
                               old password and the administrator's sessions stop at once (recovery
                               when no higher role can reset, e.g. the link of a new account was lost)
  import-officers <file.csv> --agency <code> [--by <adminId>]
                               register officers from the rollout template
                               (nric,name,email,agency,accounting_office,system) within one agency;
                               prints a per-row report; exit 1 when any row was rejected
  resend-verification (--import <batch> | --agency <code>) [--by <adminId>]
                               re-send the e-mail verification link to every officer of that import
                               (or agency) whose address is not verified yet; prints how many
  remove-demo-data             take the sandbox demo officers out of this data folder (certificates
                               revoked, PINs erased, accounts closed), so it may run with the
                               sandbox off
  create-client <system> [--name TEXT] [--scope "signing approvals"]
                               register an OAuth 2.0 client for a system's server (or its gate);
                               prints client_id and client_secret once (only a hash is stored)
  rotate-client <client_id>    new client_secret (printed once); the old one and its tokens die
  revoke-client <client_id>    revoke a client: its secret and tokens stop working at once
  list-clients [system]        the registered clients (never their secrets)
  passkey-policy <system|agency> <id> [otp|otp-or-passkey|passkey-required|default]
                               show or set the signing factor policy of a system or an agency
                               (default: otp-or-passkey; the stricter of the two applies)
  gate --config <gate.json>    run a RoamSign Gate (same as npm run gate -- --config gate.json)
  migrate-to-postgres <postgres://…>
                               copy this data folder's SQLite database into an empty PostgreSQL
                               database (then run every node with ROAMSIGN_DATABASE_URL set to it
                               and this folder's master.key); checks row counts and both audit chains`;

/** Where the e-mails of a command went: the sandbox outbox, SMTP, or nowhere (then say how to fix it). */
function deliveryLine(config: { sandbox: boolean; smtpUrl?: string | undefined; publicUrl: string }): string {
  if (config.sandbox) return `e-mails: in the sandbox outbox, ${config.publicUrl}/dev/outbox`;
  if (config.smtpUrl) return 'e-mails: sent through ROAMSIGN_SMTP_URL';
  return 'warning: no ROAMSIGN_SMTP_URL and ROAMSIGN_SANDBOX is not 1: the e-mails were not delivered; set one and re-send (resend-verification)';
}

/** The commands that work on a data folder (the gate aside). */
const COMMANDS = ['audit-verify', 'revoke', 'crl', 'unlock', 'movement', 'run-jobs', 'reactivate', 'create-admin', 'reset-admin-password', 'import-officers', 'resend-verification', 'remove-demo-data', 'create-client', 'rotate-client', 'revoke-client', 'list-clients', 'passkey-policy'];

const REASONS: RevocationReason[] = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'];

/** `migrate-to-postgres <url>`: the SQLite database of ROAMSIGN_DATA_DIR into an empty PostgreSQL database. */
async function runMigration(rest: string[]): Promise<number> {
  const [url] = positional(rest);
  const config = parseConfig(process.env, { requireSmtp: false });
  if (!url || dialectOf(url) !== 'postgres' || config.databaseUrl) {
    console.error(config.databaseUrl ? 'unset ROAMSIGN_DATABASE_URL: the source is the data folder\'s SQLite database' : USAGE);
    return 2;
  }
  const file = path.join(config.dataDir, DB_FILE);
  if (!fs.existsSync(file) || !fs.existsSync(path.join(config.dataDir, 'master.key'))) {
    console.error(`no RoamSign data in ${config.dataDir} (ROAMSIGN_DATA_DIR): nothing to migrate`);
    return 1;
  }
  const source = await openDb(file);
  const target = await openDb(url);
  try {
    const report = await migrateToPostgres({
      source,
      target,
      masterKey: loadOrCreateMasterKey(config.dataDir),
      onTable: (name, rows) => console.log(`${name}: ${rows} rows`),
    });
    const chains = `audit chain: ${report.sourceChain.ok ? 'ok' : 'BROKEN'} in SQLite (${report.sourceChain.entries} entries), ${report.targetChain.ok ? 'ok' : 'BROKEN'} in PostgreSQL (${report.targetChain.entries} entries)`;
    console.log(chains);
    if (!report.sourceChain.ok || !report.targetChain.ok || report.sourceChain.entries !== report.targetChain.entries) return 1;
    console.log(`migrated: run every node with ROAMSIGN_DATABASE_URL=${url.replace(/\/\/[^@/]*@/, '//…@')} and this folder's master.key`);
    return 0;
  } catch (error) {
    console.error(`migration refused: ${(error as Error).message}`);
    return 1;
  } finally {
    await source.close();
    await target.close();
  }
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  // A mistyped command opens nothing: the data folder is left as it is.
  if (!COMMANDS.includes(command) && command !== 'gate' && command !== 'migrate-to-postgres') {
    console.error(`unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  if (command === 'migrate-to-postgres') return runMigration(rest);
  // The gate is its own process: it talks to RoamSign over HTTP and opens no data folder.
  if (command === 'gate') return (await import('../gate/runGate.js')).runGate(rest);
  const config = parseConfig(process.env, { requireSmtp: false });
  const services = await createServices({ ...config, logLevel: 'silent' }, { seedDemo: false });
  try {
    switch (command) {
      case 'audit-verify': {
        const check = await services.audit.verify();
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
        const serial = /^\d{12}$/.test(target) ? (await latestCertificate(services.db, target))?.serial : target;
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
        const { officers } = services.db.t;
        const changed = (
          await services.db.orm.update(officers).set({ pinFailures: 0, pinLockedAt: null }).where(eq(officers.nric, nric)).returning({ nric: officers.nric })
        ).length;
        if (changed) await services.audit.append({ actor: 'cli', action: 'pin.unlocked', subject: nric, details: {} });
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
        const movement = await recordMovement(services, { nric, kind: kind as MovementKind, effectiveAt, toAgencyCode: toAgencyCode ?? null, recordedBy: 'cli' });
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
        console.log(`movements applied: ${run.movementsApplied.length}, officers suspended: ${run.suspended.length}, accounts closed: ${run.closed.length}`);
        return 0;
      }
      case 'reactivate': {
        const [nric] = rest;
        if (!nric) {
          console.error(USAGE);
          return 2;
        }
        console.log(`${nric}: ${await reactivate(services, nric, 'cli')}`);
        return 0;
      }
      case 'create-admin': {
        const [nric, name, email] = positional(rest);
        const role = (option(rest, '--role') ?? 'admin') as AdminRole;
        if (!nric || !name || !email || !['admin', 'sap', 'sa', 'ap'].includes(role)) {
          console.error(USAGE);
          return 2;
        }
        const given = process.env.ROAMSIGN_ADMIN_PASSWORD;
        const created = await createAdmin(services, { nric, name, email, role, agencyCode: option(rest, '--agency') ?? null, ...(given ? { password: given } : { mustChangePassword: true }) }, 'cli');
        console.log(`administrator ${created.id} created (${role})`);
        // Shown once: only its scrypt verifier is stored.
        if (!given) console.log(`initial password (shown once; you choose your own at first sign-in): ${created.password}`);
        return 0;
      }
      case 'reset-admin-password': {
        const [nric] = positional(rest);
        const admin = nric ? await findAdminByNric(services, nric) : undefined;
        if (!nric) {
          console.error(USAGE);
          return 2;
        }
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
      }
      case 'import-officers': {
        const [file] = positional(rest);
        const agency = option(rest, '--agency');
        const by = option(rest, '--by');
        if (!file || !agency) {
          console.error(USAGE);
          return 2;
        }
        let actor: Actor = { label: 'cli', agencyCode: agency };
        if (by) {
          const admin = await findAdmin(services, by);
          if (!admin || admin.status !== 'active') throw new RoamSignError('not_found', { admin: by });
          // The administrator's own scope still applies: a scoped role imports only into its agency.
          if (actorOf(admin).agencyCode !== null && admin.agencyCode !== agency) throw new RoamSignError('forbidden', { reason: 'agency_outside_scope' });
          actor = { label: `admin:${admin.id}`, agencyCode: agency };
        }
        const report = await importOfficers(services, actor, fs.readFileSync(file, 'utf8'));
        for (const r of report) console.log(`row ${r.row}\t${r.nric}\t${r.status}${r.reason ? `\t${r.reason}` : ''}`);
        const rejected = report.filter((r) => r.status === 'rejected').length;
        console.log(`${report.length - rejected} imported, ${rejected} rejected`);
        console.log(deliveryLine(config));
        return rejected ? 1 : 0;
      }
      case 'resend-verification': {
        const batch = option(rest, '--import');
        const agency = option(rest, '--agency');
        const by = option(rest, '--by');
        if (!batch === !agency) {
          console.error(USAGE);
          return 2;
        }
        let actor: Actor = CLI_ACTOR;
        if (by) {
          const admin = await findAdmin(services, by);
          if (!admin || admin.status !== 'active') throw new RoamSignError('not_found', { admin: by });
          actor = actorOf(admin);
        }
        const targets = await unverifiedOfficers(services, actor, batch ? { importBatch: batch } : { agencyCode: agency! });
        const { sent, skipped } = await resendToUnverified(services, actor, targets);
        console.log(`verification link re-sent to ${sent} officer(s)${skipped ? `, ${skipped} skipped` : ''}`);
        console.log(deliveryLine(config));
        return 0;
      }
      case 'remove-demo-data': {
        const removed = await removeDemoData(services);
        console.log(removed.length ? `demo officers removed: ${removed.join(', ')}` : 'no demo officers in this data folder');
        return 0;
      }
      case 'create-client': {
        const [system] = positional(rest);
        const scopes = option(rest, '--scope') === undefined ? undefined : parseScopes(option(rest, '--scope')!);
        if (!system || scopes === undefined && option(rest, '--scope') !== undefined) {
          console.error(USAGE);
          return 2;
        }
        const name = option(rest, '--name');
        const created = await createClient(services, { system, ...(name ? { name } : {}), ...(scopes ? { scopes } : {}), actor: 'cli' });
        console.log(`client for ${created.system} (${created.name}), scopes: ${created.scopes.join(' ')}`);
        // Shown once: only a hash is stored.
        console.log(`client_id: ${created.clientId}`);
        console.log(`client_secret: ${created.clientSecret}`);
        return 0;
      }
      case 'rotate-client': {
        const [clientId] = positional(rest);
        if (!clientId) {
          console.error(USAGE);
          return 2;
        }
        const rotated = await rotateClientSecret(services, { clientId, actor: 'cli' });
        console.log(`client_id: ${rotated.clientId}`);
        console.log(`client_secret: ${rotated.clientSecret}`);
        return 0;
      }
      case 'revoke-client': {
        const [clientId] = positional(rest);
        if (!clientId) {
          console.error(USAGE);
          return 2;
        }
        const result = await revokeClient(services, { clientId, actor: 'cli' });
        console.log(`${clientId}: ${result}`);
        return result === 'not_found' ? 1 : 0;
      }
      case 'list-clients': {
        const [system] = positional(rest);
        for (const c of await listClients(services, system ? { system } : {})) {
          console.log(`${c.clientId}\t${c.system}\t${c.scopes.join(' ')}\t${c.revokedAt ? `revoked ${c.revokedAt}` : 'active'}\t${c.name}`);
        }
        return 0;
      }
      case 'passkey-policy': {
        const [scope, id, value] = positional(rest);
        if ((scope !== 'system' && scope !== 'agency') || !id || (value !== undefined && value !== 'default' && !isPasskeyPolicy(value))) {
          console.error(USAGE);
          return 2;
        }
        if (value !== undefined) await setPasskeyPolicy(services, { scope, scopeId: id, policy: value === 'default' ? null : (value as PasskeyPolicy), actor: 'cli' });
        console.log(`${scope} ${id}: ${(await policySetFor(services.db, scope, id)) ?? 'default (otp-or-passkey)'}`);
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
    await services.close();
  }
}

/** Arguments that are not `--flag value` pairs. */
function positional(args: string[]): string[] {
  return args.filter((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--'));
}

function option(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** An ISO date-time, or a date alone taken as midnight in Malaysia (UTC+08:00). */
function parseEffectiveDate(value: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value);
}

restrictNewFiles();
process.exitCode = await main(process.argv.slice(2));
