import type { Db } from '../db/database.js';
import type { Vault } from '../vault/vault.js';
import { findOfficer, latestCertificate, roamingReady } from '../registry/officers.js';
import { DEMO_OFFICERS } from './demoData.js';

/**
 * The demo officers as `npm start` prints them (issue 23 item 10): what is true now, read from the
 * data, not the seed. A revoked certificate, a suspended or closed officer, a locked or changed PIN
 * are said; a PIN is printed only while it is still the demo PIN.
 */
export async function demoOfficerLines(services: { db: Db; vault: Pick<Vault, 'verifyPin'>; now: () => number }): Promise<string[]> {
  const lines: string[] = [];
  for (const demo of DEMO_OFFICERS) {
    const officer = await findOfficer(services.db, demo.nric);
    if (!officer) {
      lines.push(`    ${demo.nric}  ${demo.name.padEnd(24)} removed`);
      continue;
    }
    const cert = await latestCertificate(services.db, demo.nric);
    const notes: string[] = [];
    if (officer.status !== 'active') notes.push(`officer ${officer.status}`);
    if (officer.media.includes('roaming') && !roamingReady(officer, cert, services.now())) {
      notes.push(cert?.revokedAt ? 'certificate revoked: cannot sign with Roaming' : 'no valid certificate: cannot sign with Roaming');
    }
    if (officer.pinLockedAt !== null) notes.push(`PIN locked (npm run roamsign -- unlock ${demo.nric})`);
    const demoPin = demo.pin !== null && officer.pinVerifier !== null && (await services.vault.verifyPin(demo.pin, officer.pinVerifier));
    const pin = demoPin ? `PIN ${demo.pin}` : officer.pinVerifier === null ? 'PIN -     ' : 'PIN changed';
    lines.push(`    ${demo.nric}  ${officer.name.padEnd(24)} ${officer.media.join('+').padEnd(14)} ${pin.padEnd(11)} ${officer.email}${notes.length ? `  (${notes.join('; ')})` : ''}`);
  }
  return lines;
}
