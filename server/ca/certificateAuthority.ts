import crypto from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, id_ce_cRLNumber } from '@peculiar/asn1-x509';
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import type { AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';
import { RSA_SIGN_ALGORITHM, type Vault } from '../vault/vault.js';
import { x509 } from './x509Setup.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_VALIDITY_DAYS = 3650;
const OFFICER_VALIDITY_DAYS = 3 * 365;
/** A CRL is valid this long; it is reissued at once on any revocation and before it runs out. */
const CRL_VALIDITY_MS = DAY_MS;
const CRL_REFRESH_BEFORE_MS = 60 * 60 * 1000;
const CA_NAME = 'C=MY, O=Kerajaan Malaysia, OU=RoamSign, CN=RoamSign Issuing CA';

export type RevocationReason = keyof typeof x509.X509CrlReason;

export interface OfficerSubject {
  nric: string;
  name: string;
  agencyName: string;
}

export interface IssuedCertificate {
  serial: string;
  der: Buffer;
  keyRef: string;
}

export interface CurrentCrl {
  der: Buffer;
  number: number;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Revoked serial (lower-case hex) -> revocation time. */
  revoked: Map<string, Date>;
}

/** A positive, 16-byte random serial (RFC 5280 §4.1.2.2), lower-case hex. */
function randomSerial(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

export function normaliseSerial(serial: string): string {
  return serial.toLowerCase().replace(/^(00)+/, '');
}

/**
 * The issuing CA: its key lives in the vault; it issues officer certificates and keeps a
 * current signed CRL (DESIGN.md "CA / CRL").
 *
 * Freshness (issue 14): the signed CRL lives in the database (ca_state), written in the same
 * transaction as every revocation, by whichever process revokes (server, CLI, another node). This
 * process keeps the parsed CRL in memory only as long as the stored CRL number is the same: every
 * `currentCrl()` reads that number (one primary-key row) and reloads when it moved.
 */
export class CertificateAuthority {
  private cachedCrl: CurrentCrl | undefined;

  private constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly publicUrl: string,
    readonly certificate: x509.X509Certificate,
    private readonly keyRef: string,
    private readonly now: () => number,
  ) {}

  /** Loads the CA, creating its key and self-signed certificate on first start. */
  static async open(options: {
    db: Db;
    vault: Vault;
    audit: AuditLog;
    publicUrl: string;
    now: () => number;
  }): Promise<CertificateAuthority> {
    const { db, vault, audit, publicUrl, now } = options;
    const { caState } = db.t;
    const load = async () => (await db.orm.select().from(caState).where(eq(caState.id, 1)))[0];
    let row = await load();
    if (!row) {
      const { keyRef, publicKey } = await vault.generateKey('ca');
      const notBefore = new Date(now() - 60_000);
      const cert = await vault.withCryptoKey(keyRef, async (signingKey, signingCrypto) =>
        x509.X509CertificateGenerator.create({
          serialNumber: randomSerial(),
          subject: CA_NAME,
          issuer: CA_NAME,
          notBefore,
          notAfter: new Date(notBefore.getTime() + CA_VALIDITY_DAYS * DAY_MS),
          publicKey,
          signingKey,
          signingAlgorithm: RSA_SIGN_ALGORITHM,
          extensions: [
            new x509.BasicConstraintsExtension(true, 0, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
            await x509.SubjectKeyIdentifierExtension.create(publicKey),
          ],
        }, signingCrypto),
      );
      // Two nodes starting on an empty database: the first insert wins, the other uses its CA.
      await db.transaction(async () => {
        const [inserted] = await db.orm
          .insert(caState)
          .values({ id: 1, certDer: Buffer.from(cert.rawData), keyRef })
          .onConflictDoNothing()
          .returning({ id: caState.id });
        if (inserted) await audit.append({ actor: 'system', action: 'ca.created', subject: cert.serialNumber, details: {} });
      });
      row = (await load())!;
    }
    const ca = new CertificateAuthority(db, vault, audit, publicUrl, new x509.X509Certificate(new Uint8Array(row.certDer)), row.keyRef, now);
    await ca.currentCrl();
    return ca;
  }

  /** The CA key, held only for `use`: for the certificates the CA issues beside officers' (server/ca/issueOcspResponderCertificate.ts). */
  withCaKey<T>(use: (key: CryptoKey, crypto: Crypto) => Promise<T>): Promise<T> {
    return this.vault.withCryptoKey(this.keyRef, use);
  }

  get certificatePem(): string {
    return this.certificate.toString('pem');
  }

  /** Creates the officer's signing key in the vault and issues a certificate for it. */
  async issueOfficerCertificate(subject: OfficerSubject): Promise<IssuedCertificate> {
    const { keyRef, publicKey } = await this.vault.generateKey(`officer:${subject.nric}`);
    const notBefore = new Date(this.now() - 60_000);
    const notAfter = new Date(notBefore.getTime() + OFFICER_VALIDITY_DAYS * DAY_MS);
    const serial = randomSerial();
    const name: x509.JsonName = [
      { C: ['MY'] },
      { O: ['Kerajaan Malaysia'] },
      { OU: [subject.agencyName] },
      // X.520 serialNumber carries the MyKad number.
      { '2.5.4.5': [subject.nric] },
      { CN: [subject.name] },
    ];
    const cert = await this.vault.withCryptoKey(this.keyRef, async (signingKey, signingCrypto) =>
      x509.X509CertificateGenerator.create({
        serialNumber: serial,
        subject: name,
        issuer: this.certificate.subject,
        notBefore,
        notAfter,
        publicKey,
        signingKey,
        signingAlgorithm: RSA_SIGN_ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
          new x509.CRLDistributionPointsExtension([`${this.publicUrl}/crl`]),
          // RFC 5280 §4.2.2.1: where relying parties ask OCSP (server/ocsp) and fetch the issuing CA's certificate.
          new x509.AuthorityInfoAccessExtension({ ocsp: [`${this.publicUrl}/ocsp`], caIssuers: [`${this.publicUrl}/ca.crt`] }),
          await x509.AuthorityKeyIdentifierExtension.create(this.certificate.publicKey),
          await x509.SubjectKeyIdentifierExtension.create(publicKey),
        ],
      }, signingCrypto),
    );
    const der = Buffer.from(cert.rawData);
    await this.db.transaction(async () => {
      await this.db.orm.insert(this.db.t.certificates).values({
        serial,
        nric: subject.nric,
        der,
        keyRef,
        notBefore: notBefore.getTime(),
        notAfter: notAfter.getTime(),
        createdAt: this.now(),
      });
      await this.audit.append({ actor: 'ca', action: 'certificate.issued', subject: subject.nric, details: { serial } });
    });
    return { serial, der, keyRef };
  }

  /**
   * Revokes a certificate and reissues the CRL in the same transaction: once the revocation is
   * visible, so is a CRL that lists it.
   */
  async revoke(serial: string, reason: RevocationReason, actor: string): Promise<'revoked' | 'already_revoked' | 'not_found'> {
    const key = normaliseSerial(serial);
    const { certificates } = this.db.t;
    return this.db.transaction(async () => {
      await this.db.lock('crl');
      const [changed] = await this.db.orm
        .update(certificates)
        .set({ revokedAt: this.now(), revocationReason: reason })
        .where(and(eq(certificates.serial, key), isNull(certificates.revokedAt)))
        .returning({ serial: certificates.serial });
      if (!changed) {
        const [row] = await this.db.orm.select({ serial: certificates.serial }).from(certificates).where(eq(certificates.serial, key));
        return row ? 'already_revoked' : 'not_found';
      }
      await this.audit.append({ actor, action: 'certificate.revoked', subject: key, details: { reason } });
      await this.issueCrl();
      return 'revoked';
    });
  }

  /**
   * The current CRL: the stored one, re-read whenever its number moved (a revocation by any process),
   * and reissued when it is about to run out.
   */
  async currentCrl(): Promise<CurrentCrl> {
    const { caState } = this.db.t;
    const now = this.now();
    const [head] = await this.db.orm
      .select({ crlNumber: caState.crlNumber, crlNextUpdate: caState.crlNextUpdate })
      .from(caState)
      .where(eq(caState.id, 1));
    const fresh = (nextUpdate: number | null | undefined) => nextUpdate != null && nextUpdate - now > CRL_REFRESH_BEFORE_MS;
    if (this.cachedCrl && head?.crlNumber === this.cachedCrl.number && fresh(head.crlNextUpdate)) return this.cachedCrl;
    if (head && head.crlNumber > 0 && fresh(head.crlNextUpdate)) {
      const [row] = await this.db.orm.select({ crlDer: caState.crlDer, crlNumber: caState.crlNumber }).from(caState).where(eq(caState.id, 1));
      if (row?.crlDer) {
        this.cachedCrl = this.describeCrl(row.crlDer, row.crlNumber);
        return this.cachedCrl;
      }
    }
    return this.db.transaction(async () => {
      await this.db.lock('crl');
      // Another node may have reissued it while this one waited for the lock.
      const [again] = await this.db.orm.select().from(caState).where(eq(caState.id, 1));
      if (again?.crlDer && fresh(again.crlNextUpdate)) {
        this.cachedCrl = this.describeCrl(again.crlDer, again.crlNumber);
        return this.cachedCrl;
      }
      return this.issueCrl();
    });
  }

  /** Signs a new CRL listing every revoked certificate (RFC 5280 §5) and stores it. */
  async issueCrl(): Promise<CurrentCrl> {
    return this.db.transaction(() => this.issueCrlNow());
  }

  private async issueCrlNow(): Promise<CurrentCrl> {
    const { caState, certificates } = this.db.t;
    await this.db.lock('crl');
    const revoked = await this.db.orm
      .select({ serial: certificates.serial, revokedAt: certificates.revokedAt, reason: certificates.revocationReason })
      .from(certificates)
      .where(isNotNull(certificates.revokedAt));
    const [row] = await this.db.orm.select({ crlNumber: caState.crlNumber }).from(caState).where(eq(caState.id, 1));
    const number = (row?.crlNumber ?? 0) + 1;
    const thisUpdate = new Date(this.now());
    const nextUpdate = new Date(thisUpdate.getTime() + CRL_VALIDITY_MS);
    const crl = await this.vault.withCryptoKey(this.keyRef, async (signingKey, signingCrypto) =>
      x509.X509CrlGenerator.create({
        issuer: this.certificate.subject,
        thisUpdate,
        nextUpdate,
        signingKey,
        signingAlgorithm: RSA_SIGN_ALGORITHM,
        extensions: [
          new x509.Extension(id_ce_cRLNumber, false, AsnConvert.serialize(new CRLNumber(number))),
          await x509.AuthorityKeyIdentifierExtension.create(this.certificate.publicKey),
        ],
        entries: revoked.map((entry) => ({
          serialNumber: entry.serial,
          revocationDate: new Date(entry.revokedAt!),
          reason: x509.X509CrlReason[(entry.reason as RevocationReason | null) ?? 'unspecified'],
        })),
      }, signingCrypto),
    );
    const der = Buffer.from(crl.rawData);
    await this.db.orm.update(caState).set({ crlNumber: number, crlDer: der, crlNextUpdate: nextUpdate.getTime() }).where(eq(caState.id, 1));
    this.cachedCrl = this.describeCrl(der, number);
    return this.cachedCrl;
  }

  private describeCrl(der: Buffer, number: number): CurrentCrl {
    const crl = new x509.X509Crl(new Uint8Array(der));
    const revoked = new Map<string, Date>();
    for (const entry of crl.entries) revoked.set(normaliseSerial(entry.serialNumber), entry.revocationDate);
    return { der, number, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate!, revoked };
  }
}
