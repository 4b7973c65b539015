import { count } from 'drizzle-orm';
import type { Medium } from '../../shared/systems.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { CertificateAuthority } from '../ca/certificateAuthority.js';
import type { Db } from '../db/database.js';
import type { Vault } from '../vault/vault.js';

export const DEMO_AGENCY = { code: '1009', name: 'JANM Negeri Perlis' } as const;

/** API.md "Demo data": the officers anyone can sign as in the first minute. */
export const DEMO_OFFICERS: { nric: string; name: string; media: Medium[]; pin: string | null; email: string; phone: string }[] = [
  { nric: '900101011234', name: 'Aminah binti Abdullah', media: ['roaming'], pin: '123456', email: 'aminah@anm.gov.my', phone: '+60123456701' },
  { nric: '880202025678', name: 'Tan Wei Ming', media: ['roaming', 'token'], pin: '654321', email: 'weiming@anm.gov.my', phone: '+60123456702' },
  { nric: '750303039999', name: 'Rajesh a/l Kumar', media: ['token'], pin: null, email: 'rajesh@anm.gov.my', phone: '+60123456703' },
];

/** Seeds the demo agency and officers (with PINs and certificates) into an empty registry. */
export async function seedDemoData(deps: { db: Db; vault: Vault; ca: CertificateAuthority; audit: AuditLog; now: () => number }): Promise<boolean> {
  const { db, vault, ca, audit, now } = deps;
  const { agencies, officers } = db.t;
  // One transaction under a lock: nodes starting together on an empty database seed once.
  return db.transaction(async () => {
    await db.lock('demo-seed');
    const [existing] = await db.orm.select({ n: count() }).from(agencies);
    if ((existing?.n ?? 0) > 0) return false;
    await db.orm.insert(agencies).values(DEMO_AGENCY);
    for (const officer of DEMO_OFFICERS) {
      const pinVerifier = officer.pin ? await vault.hashPin(officer.pin) : null;
      await db.orm.insert(officers).values({
        nric: officer.nric,
        name: officer.name,
        email: officer.email,
        phone: officer.phone,
        agencyCode: DEMO_AGENCY.code,
        media: officer.media,
        pinVerifier,
        emailVerifiedAt: now(),
        officeAddress: 'Jabatan Akauntan Negara Malaysia Cawangan Perlis, Persiaran Jubli Emas, 01000 Kangar, Perlis',
        accountingOffice: '1009',
        system: 'igfmas',
        lastActivityAt: now(),
        createdAt: now(),
      });
      await audit.append({ actor: 'demo', action: 'officer.registered', subject: officer.nric, details: { media: officer.media } });
      if (officer.media.includes('roaming')) {
        await ca.issueOfficerCertificate({ nric: officer.nric, name: officer.name, agencyName: DEMO_AGENCY.name });
      }
    }
    return true;
  });
}
