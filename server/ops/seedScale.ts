/**
 * Fills a RoamSign database with national-scale data (issue 10 "Scale", issue 13's console at
 * 100,000 officers): officers, and signed signing requests with one signature each, spread over the
 * past year, over 20 agencies with the spread of statuses the console filters by. Inserts in large
 * batches inside transactions; the rows are plausible but not signed by anyone (their CMS is filler
 * bytes): they exist to make indexes and query plans face real sizes.
 *
 * The operator runs it as `npm run roamsign -- seed-scale --officers N --signatures M` (server/cli/commands/seedScale.ts);
 * the console tests and the benchmarks call it directly. The database must have been started once
 * (schema, demo agency 1009). Officer MyKad numbers start with 70….
 */
import crypto from 'node:crypto';
import type { Db } from '../db/database.js';

const BATCH = 1000;
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** How far a seed has come: `done` of `total` rows of the officers, then of the signatures. */
export interface SeedProgress {
  phase: 'officers' | 'signatures';
  done: number;
  total: number;
}

export interface SeedOptions {
  officers: number;
  signatures: number;
  /** Agencies the officers spread over (default 20; the first is the demo agency 1009). */
  agencies?: number;
  now?: number;
  /** Called after every batch. */
  onProgress?: (progress: SeedProgress) => void;
}

/** Seeds `officers` officers and `signatures` signed requests (one signature each). */
export async function seedScale(db: Db, options: SeedOptions): Promise<void> {
  const { agencies, officers, signingRequests, signatures } = db.t;
  // The console's filters face a national spread: agencies, unverified e-mails, locked PINs,
  // token holders, retirements and import batches (issue 13).
  const agencyCount = options.agencies ?? 20;
  const agencyOf = (i: number) => (agencyCount <= 1 || i % agencyCount === 0 ? '1009' : `3${String(i % agencyCount).padStart(3, '0')}`);
  if (agencyCount > 1) {
    await db.orm
      .insert(agencies)
      .values(Array.from({ length: agencyCount - 1 }, (_, k) => ({ code: `3${String(k + 1).padStart(3, '0')}`, name: `Agensi Skala ${k + 1}` })))
      .onConflictDoNothing();
  }
  const now = options.now ?? Date.now();
  const progress = options.onProgress ?? (() => undefined);
  const nricOf = (i: number) => `70${String(i).padStart(10, '0')}`;

  for (let from = 0; from < options.officers; from += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, options.officers - from) }, (_, k) => {
      const i = from + k;
      return {
        nric: nricOf(i),
        name: `Pegawai Skala ${i}`,
        email: `pegawai${i}@skala.gov.my`,
        phone: `01${String(i % 100_000_000).padStart(8, '0')}`,
        agencyCode: agencyOf(i),
        media: i % 5 === 4 ? ['roaming' as const, 'token' as const] : ['roaming' as const],
        status: (i % 50 === 0 ? 'suspended' : i % 331 === 330 ? 'retired' : 'active') as 'active' | 'suspended' | 'retired',
        emailVerifiedAt: i % 10 === 3 ? null : now - YEAR_MS,
        pinLockedAt: i % 997 === 996 ? now - 60_000 : null,
        importBatch: `imp_scale_${Math.floor(i / 5000)}`,
        accountingOffice: String(1000 + (i % 400)),
        system: ['igfmas', 'eperolehan', 'speks'][i % 3]!,
        lastActivityAt: now - (i % 80) * 24 * 60 * 60 * 1000,
        createdAt: now - YEAR_MS,
      };
    });
    await db.transaction(() => db.orm.insert(officers).values(rows).onConflictDoNothing());
    progress({ phase: 'officers', done: from + rows.length, total: options.officers });
  }

  const filler = crypto.randomBytes(2300);
  for (let from = 0; from < options.signatures; from += BATCH) {
    const count = Math.min(BATCH, options.signatures - from);
    const requests = Array.from({ length: count }, (_, k) => {
      const i = from + k;
      const at = now - YEAR_MS + Math.floor((i / Math.max(1, options.signatures)) * (YEAR_MS - 2 * 60 * 60 * 1000));
      const digest = crypto.createHash('sha256').update(`scale ${i}`).digest('base64');
      return {
        id: `sr_scale_${i}`,
        nric: nricOf(i % Math.max(1, options.officers)),
        system: 'igfmas',
        origin: null,
        documents: [{ id: `STH-SKALA-${i}`, digest, summary: { title: 'Baucar Bayaran', amount: '1,000.00', currency: 'MYR', payee: 'Syarikat Skala' } }],
        channel: 'email' as const,
        destination: 'p***@skala.gov.my',
        verificationCode: String(i % 10_000).padStart(4, '0'),
        status: 'signed' as const,
        failureCode: null,
        otpHash: null,
        consumedOtpHash: null,
        otpExpiresAt: at + 120_000,
        otpAttempts: 0,
        otpSends: 1,
        lastOtpSentAt: at,
        createdAt: at,
        signedAt: at + 30_000,
        result: null,
      };
    });
    await db.transaction(async () => {
      await db.orm.insert(signingRequests).values(requests).onConflictDoNothing();
      await db.orm
        .insert(signatures)
        .values(requests.map((r) => ({ requestId: r.id, documentId: r.documents[0]!.id, digest: r.documents[0]!.digest, cms: filler, certificateSerial: 'scale', createdAt: r.signedAt })))
        .onConflictDoNothing();
    });
    progress({ phase: 'signatures', done: from + count, total: options.signatures });
  }
}
