import { eq } from 'drizzle-orm';
import type { AuditLog } from '../audit/auditLog.js';
import type { CertificateAuthority } from '../ca/certificateAuthority.js';
import { issueTsaCertificate } from '../ca/issueTsaCertificate.js';
import type { Db } from '../db/database.js';
import type { Vault } from '../vault/vault.js';
import { signTimeStampTokens, type TokenRequest } from './signTimeStampTokens.js';

/** Where the TSA's key reference and certificate are kept (cluster_settings: every node uses the same TSA). */
const SETTING = 'tsa';

/** RoamSign's own RFC 3161 time-stamping authority (embedded, on by default). */
export interface TimeStampAuthority {
  certificateDer: Buffer;
  policy: string;
  /** One token per request, signed in one vault batch at the current time. */
  issue(requests: TokenRequest[]): Promise<Buffer[]>;
}

/**
 * Opens the embedded TSA, creating on first start its P-256 key in the vault (soft or PKCS#11) and
 * its certificate under the RoamSign CA (server/ca/issueTsaCertificate.ts). Two nodes starting on
 * an empty database: the first stored TSA wins and both use it.
 */
export async function openTimeStampAuthority(options: {
  db: Db;
  vault: Vault;
  ca: CertificateAuthority;
  audit: AuditLog;
  publicUrl: string;
  policy: string;
  now: () => number;
}): Promise<TimeStampAuthority> {
  const { db, vault, ca, audit, now } = options;
  const { clusterSettings } = db.t;
  const load = async () => {
    const [row] = await db.orm.select({ value: clusterSettings.value }).from(clusterSettings).where(eq(clusterSettings.name, SETTING));
    return row ? (JSON.parse(row.value) as { keyRef: string; certificate: string }) : undefined;
  };
  let stored = await load();
  if (!stored) {
    const { keyRef, publicKey } = await vault.generateKey('tsa', 'ec-p256');
    const der = await issueTsaCertificate({ ca, publicKey, publicUrl: options.publicUrl, now: now() });
    await db.transaction(async () => {
      const [inserted] = await db.orm
        .insert(clusterSettings)
        .values({ name: SETTING, value: JSON.stringify({ keyRef, certificate: der.toString('base64') }) })
        .onConflictDoNothing()
        .returning({ name: clusterSettings.name });
      if (inserted) await audit.append({ actor: 'system', action: 'tsa.created', subject: 'tsa', details: { policy: options.policy } });
    });
    stored = (await load())!;
  }
  const certificateDer = Buffer.from(stored.certificate, 'base64');
  const keyRef = stored.keyRef;
  const signer = { certificateDer, sign: (items: Uint8Array[]) => vault.sign(keyRef, items) };
  return {
    certificateDer,
    policy: options.policy,
    issue: (requests) => signTimeStampTokens({ signer, policy: options.policy, genTime: new Date(now()), requests }),
  };
}
