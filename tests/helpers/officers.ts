import type { TestServer } from './testServices.js';

/** A third approver for the voucher tests (the demo data has two roaming officers). */
export const SITI = { nric: '820303031111', name: 'Siti Nurhaliza binti Tarudin', pin: '246810', email: 'siti@anm.gov.my' } as const;

/** Registers a roaming officer with a PIN and a certificate, as the demo data does for its officers. */
export async function addRoamingOfficer(server: TestServer, officer: { nric: string; name: string; pin: string; email: string }): Promise<void> {
  const { db, vault, ca, now } = server.services;
  await db.orm.insert(db.t.officers).values({
    nric: officer.nric,
    name: officer.name,
    email: officer.email,
    phone: '+60123456799',
    agencyCode: '1009',
    media: ['roaming'],
    pinVerifier: await vault.hashPin(officer.pin),
    emailVerifiedAt: now(),
    officeAddress: 'Jabatan Akauntan Negara Malaysia Cawangan Perlis',
    accountingOffice: '1009',
    system: 'igfmas',
    lastActivityAt: now(),
    createdAt: now(),
  });
  await ca.issueOfficerCertificate({ nric: officer.nric, name: officer.name, agencyName: 'JANM Negeri Perlis' });
}
