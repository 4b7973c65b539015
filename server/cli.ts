import { eq } from 'drizzle-orm';
import type { RevocationReason } from './ca/certificateAuthority.js';
import { officers } from './db/schema.js';
import { parseConfig } from './env.js';
import { latestCertificate } from './registry/officers.js';
import { createServices } from './services.js';

const USAGE = `Usage: npm run roamsign -- <command>   (reads the same environment as the server, e.g. ROAMSIGN_DATA_DIR)

  audit-verify                 recompute the audit log's hash chain; exit 1 if broken
  revoke <serial|nric> [reason] revoke a certificate (reason: unspecified, keyCompromise,
                               affiliationChanged, superseded, cessationOfOperation); reissues the CRL
  crl                          reissue the CRL now
  unlock <nric>                clear an officer's PIN lock`;

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
      default:
        console.error(`unknown command ${command}\n\n${USAGE}`);
        return 2;
    }
  } finally {
    services.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
