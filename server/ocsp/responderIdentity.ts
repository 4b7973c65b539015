import { and, eq } from 'drizzle-orm';
import type { AuditLog } from '../audit/auditLog.js';
import type { CertificateAuthority } from '../ca/certificateAuthority.js';
import { issueOcspResponderCertificate } from '../ca/issueOcspResponderCertificate.js';
import { x509 } from '../ca/x509Setup.js';
import type { Db } from '../db/database.js';
import type { Vault } from '../vault/vault.js';

const SETTING_FIRST = 'ocsp_responder';
/** A new responder certificate is issued when the current one has less than this left. */
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

export interface ResponderIdentity {
  keyRef: string;
  certificate: x509.X509Certificate;
}

interface Stored {
  keyRef: string;
  certDer: string;
}

/**
 * The OCSP responder's key (in the vault, like the CA's) and certificate, shared by every node through
 * cluster_settings: the first node to need one creates it, the others read it; it is replaced a month
 * before it runs out. Kept in memory while it is not due for renewal.
 */
export function createResponderIdentity(deps: { db: Db; vault: Vault; ca: CertificateAuthority; audit: AuditLog; now: () => number; generation?: number }) {
  const { db, vault, ca, audit, now } = deps;
  // Each CA generation certifies its own responder (RFC 6960 §4.2.2.2: issued by the CA that issued the certificate asked about).
  const generation = deps.generation ?? 1;
  const SETTING = generation === 1 ? SETTING_FIRST : `${SETTING_FIRST}:${generation}`;
  const { clusterSettings } = db.t;
  let cached: ResponderIdentity | undefined;

  const due = (identity: ResponderIdentity) => identity.certificate.notAfter.getTime() - now() < RENEW_BEFORE_MS;
  const parse = (value: string): ResponderIdentity => {
    const stored = JSON.parse(value) as Stored;
    return { keyRef: stored.keyRef, certificate: new x509.X509Certificate(Buffer.from(stored.certDer, 'base64')) };
  };
  const read = async () => (await db.orm.select({ value: clusterSettings.value }).from(clusterSettings).where(eq(clusterSettings.name, SETTING)))[0]?.value;

  async function create(previous: string | undefined): Promise<void> {
    const { keyRef, publicKey } = await vault.generateKey('ocsp-responder');
    const certificate = await issueOcspResponderCertificate(ca, publicKey, now(), generation);
    const value = JSON.stringify({ keyRef, certDer: Buffer.from(certificate.rawData).toString('base64') } satisfies Stored);
    // Two nodes at once: the first write wins, the other reads it.
    await db.transaction(async () => {
      const changed =
        previous === undefined
          ? await db.orm.insert(clusterSettings).values({ name: SETTING, value }).onConflictDoNothing().returning({ name: clusterSettings.name })
          : await db.orm
              .update(clusterSettings)
              .set({ value })
              .where(and(eq(clusterSettings.name, SETTING), eq(clusterSettings.value, previous)))
              .returning({ name: clusterSettings.name });
      if (changed.length > 0) {
        await audit.append({ actor: 'ca', action: 'ocsp.responder_certified', subject: certificate.serialNumber.toLowerCase(), details: { notAfter: certificate.notAfter.toISOString(), caGeneration: generation } });
      }
    });
  }

  return {
    async current(): Promise<ResponderIdentity> {
      if (cached && !due(cached)) return cached;
      let value = await read();
      if (value === undefined || due(parse(value))) {
        await create(value);
        value = await read();
      }
      cached = parse(value!);
      return cached;
    },
  };
}

export type ResponderIdentities = ReturnType<typeof createResponderIdentity>;
