import crypto from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, id_ce_cRLNumber } from '@peculiar/asn1-x509';
import { and, asc, desc, eq, isNotNull, isNull } from 'drizzle-orm';
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
/** Each roll-over's CA gets its own name (`… G2`), so relying parties never confuse two CAs' CRLs. */
const caName = (generation: number) => (generation === 1 ? CA_NAME : `${CA_NAME} G${generation}`);

/** One CA generation: id 1, then one more per `ca-rollover`. The newest issues; the older keep their CRL and OCSP. */
export interface CaGeneration {
  id: number;
  certificate: x509.X509Certificate;
  keyRef: string;
  /** Link certificates with the previous generation: [previous key certifies this CA, this key certifies the previous]. */
  links: x509.X509Certificate[];
}

/** Where a generation's CRL and certificate are published (generation 1 keeps the URLs it always had). */
export function generationUrls(publicUrl: string, generation: number) {
  return generation === 1
    ? { crl: `${publicUrl}/crl`, caIssuers: `${publicUrl}/ca.crt` }
    : { crl: `${publicUrl}/crl/${generation}`, caIssuers: `${publicUrl}/ca/${generation}` };
}

async function createCaCertificate(options: {
  subject: string;
  issuer: string;
  publicKey: CryptoKey;
  issuerPublicKey: CryptoKey;
  signingKey: CryptoKey;
  signingCrypto: Crypto;
  notBefore: Date;
  notAfter: Date;
}): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: options.subject,
    issuer: options.issuer,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    publicKey: options.publicKey,
    signingKey: options.signingKey,
    signingAlgorithm: RSA_SIGN_ALGORITHM,
    extensions: [
      // Path length 1 (generation 1 has 0): a later roll-over's link certificate may stand between this CA and an officer certificate.
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(options.publicKey),
      ...(options.issuerPublicKey === options.publicKey ? [] : [await x509.AuthorityKeyIdentifierExtension.create(options.issuerPublicKey)]),
    ],
  }, options.signingCrypto);
}

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
  private readonly cachedCrls = new Map<number, CurrentCrl>();

  private constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly publicUrl: string,
    private generationList: CaGeneration[],
    private readonly now: () => number,
  ) {}

  /** Every CA generation, oldest first (one until the first roll-over). */
  get generations(): readonly CaGeneration[] {
    return this.generationList;
  }

  /** The issuing (newest) generation. */
  get current(): CaGeneration {
    return this.generationList[this.generationList.length - 1]!;
  }

  /** The issuing CA's certificate. */
  get certificate(): x509.X509Certificate {
    return this.current.certificate;
  }

  generation(id: number): CaGeneration | undefined {
    return this.generationList.find((g) => g.id === id);
  }

  /** The generation whose CA signed this certificate (DER), if any of ours did. */
  issuerOf(der: Uint8Array): CaGeneration | undefined {
    let cert: crypto.X509Certificate;
    try {
      cert = new crypto.X509Certificate(der);
    } catch {
      return undefined;
    }
    return this.generationList.find((g) => {
      try {
        const caCert = new crypto.X509Certificate(new Uint8Array(g.certificate.rawData));
        return cert.checkIssued(caCert) && cert.verify(caCert.publicKey);
      } catch {
        return false;
      }
    });
  }

  /** Every CA certificate, PEM, oldest first: the trust bundle relying parties load (`/ca.pem`, `/ca-bundle.pem`). */
  get bundlePem(): string {
    return this.generationList.map((g) => g.certificate.toString('pem')).join('\n');
  }

  /** The link certificates of every roll-over, PEM (`/ca-links.pem`). */
  get linksPem(): string {
    return this.generationList.flatMap((g) => g.links.map((l) => l.toString('pem'))).join('\n');
  }

  private static async loadGenerations(db: Db): Promise<CaGeneration[]> {
    const { caState } = db.t;
    const rows = await db.orm
      .select({ id: caState.id, certDer: caState.certDer, keyRef: caState.keyRef, from: caState.linkFromPreviousDer, to: caState.linkToPreviousDer })
      .from(caState)
      .orderBy(asc(caState.id));
    return rows.map((row) => ({
      id: row.id,
      certificate: new x509.X509Certificate(new Uint8Array(row.certDer)),
      keyRef: row.keyRef,
      links: [row.from, row.to].filter((d): d is Buffer => d != null).map((d) => new x509.X509Certificate(new Uint8Array(d))),
    }));
  }

  /** Reads the generations again when another process rolled the CA over (`ca-rollover`). */
  private async followRollOver(newest: number): Promise<void> {
    if (newest > this.current.id) this.generationList = await CertificateAuthority.loadGenerations(this.db);
  }

  /**
   * CA key roll-over (issue 21): a new CA key in the vault or HSM and its self-signed certificate
   * (named `… G<n>`), plus the two link certificates (the old key certifies the new CA, the new key
   * certifies the old one). From now on certificates are issued under the new CA; the old one stays
   * published, with its CRL and OCSP, for the certificates it issued.
   */
  async rollOver(actor: string): Promise<CaGeneration> {
    await this.followRollOver(Number.MAX_SAFE_INTEGER);
    const previous = this.current;
    const id = previous.id + 1;
    const { keyRef, publicKey } = await this.vault.generateKey('ca');
    const notBefore = new Date(this.now() - 60_000);
    const notAfter = new Date(notBefore.getTime() + CA_VALIDITY_DAYS * DAY_MS);
    const subject = caName(id);
    const previousKey = await previous.certificate.publicKey.export();
    const certificate = await this.vault.withCryptoKey(keyRef, (signingKey, signingCrypto) =>
      createCaCertificate({ subject, issuer: subject, publicKey, issuerPublicKey: publicKey, signingKey, signingCrypto, notBefore, notAfter }),
    );
    // Link certificates live no longer than the older CA they join.
    const linkEnd = previous.certificate.notAfter;
    const fromPrevious = await this.vault.withCryptoKey(previous.keyRef, (signingKey, signingCrypto) =>
      createCaCertificate({ subject, issuer: previous.certificate.subject, publicKey, issuerPublicKey: previousKey, signingKey, signingCrypto, notBefore, notAfter: linkEnd }),
    );
    const toPrevious = await this.vault.withCryptoKey(keyRef, (signingKey, signingCrypto) =>
      createCaCertificate({ subject: previous.certificate.subject, issuer: subject, publicKey: previousKey, issuerPublicKey: publicKey, signingKey, signingCrypto, notBefore, notAfter: linkEnd }),
    );
    await this.db.transaction(async () => {
      await this.db.orm.insert(this.db.t.caState).values({
        id,
        certDer: Buffer.from(certificate.rawData),
        keyRef,
        linkFromPreviousDer: Buffer.from(fromPrevious.rawData),
        linkToPreviousDer: Buffer.from(toPrevious.rawData),
      });
      await this.audit.append({
        actor,
        action: 'ca.rolled_over',
        subject: certificate.serialNumber.toLowerCase(),
        details: { generation: id, previousGeneration: previous.id, name: subject, notAfter: notAfter.toISOString() },
      });
    });
    this.generationList = await CertificateAuthority.loadGenerations(this.db);
    await this.issueCrl(id);
    return this.current;
  }

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
    const ca = new CertificateAuthority(db, vault, audit, publicUrl, await CertificateAuthority.loadGenerations(db), now);
    for (const generation of ca.generations) await ca.currentCrl(generation.id);
    return ca;
  }

  /** A CA key (the issuing one unless a generation is named), held only for `use`: for the certificates the CA issues beside officers' (server/ca/issueOcspResponderCertificate.ts). */
  withCaKey<T>(use: (key: CryptoKey, crypto: Crypto) => Promise<T>, generation: number = this.current.id): Promise<T> {
    const ca = this.generation(generation);
    if (!ca) throw new Error(`no CA generation ${generation}`);
    return this.vault.withCryptoKey(ca.keyRef, use);
  }

  get certificatePem(): string {
    return this.certificate.toString('pem');
  }

  /** Creates the officer's signing key in the vault and issues a certificate for it. */
  async issueOfficerCertificate(subject: OfficerSubject): Promise<IssuedCertificate> {
    const [newest] = await this.db.orm.select({ id: this.db.t.caState.id }).from(this.db.t.caState).orderBy(desc(this.db.t.caState.id)).limit(1);
    await this.followRollOver(newest?.id ?? 1);
    const issuing = this.current;
    const urls = generationUrls(this.publicUrl, issuing.id);
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
    const cert = await this.vault.withCryptoKey(issuing.keyRef, async (signingKey, signingCrypto) =>
      x509.X509CertificateGenerator.create({
        serialNumber: serial,
        subject: name,
        issuer: issuing.certificate.subject,
        notBefore,
        notAfter,
        publicKey,
        signingKey,
        signingAlgorithm: RSA_SIGN_ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
          new x509.CRLDistributionPointsExtension([urls.crl]),
          // RFC 5280 §4.2.2.1: where relying parties ask OCSP (server/ocsp) and fetch the issuing CA's certificate.
          new x509.AuthorityInfoAccessExtension({ ocsp: [`${this.publicUrl}/ocsp`], caIssuers: [urls.caIssuers] }),
          await x509.AuthorityKeyIdentifierExtension.create(issuing.certificate.publicKey),
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
        caId: issuing.id,
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
        .returning({ serial: certificates.serial, caId: certificates.caId });
      if (!changed) {
        const [row] = await this.db.orm.select({ serial: certificates.serial }).from(certificates).where(eq(certificates.serial, key));
        return row ? 'already_revoked' : 'not_found';
      }
      await this.audit.append({ actor, action: 'certificate.revoked', subject: key, details: { reason } });
      await this.followRollOver(changed.caId);
      await this.issueCrl(changed.caId);
      return 'revoked';
    });
  }

  /**
   * A generation's current CRL (the issuing CA's unless one is named): the stored one, re-read
   * whenever its number moved (a revocation by any process), and reissued when it is about to run
   * out. The old CA's CRL goes on being issued after a roll-over, for the certificates it signed.
   */
  async currentCrl(generation?: number): Promise<CurrentCrl> {
    const { caState } = this.db.t;
    const now = this.now();
    const heads = await this.db.orm
      .select({ id: caState.id, crlNumber: caState.crlNumber, crlNextUpdate: caState.crlNextUpdate })
      .from(caState)
      .orderBy(asc(caState.id));
    await this.followRollOver(heads[heads.length - 1]?.id ?? 1);
    const id = generation ?? this.current.id;
    const head = heads.find((h) => h.id === id);
    const cached = this.cachedCrls.get(id);
    const fresh = (nextUpdate: number | null | undefined) => nextUpdate != null && nextUpdate - now > CRL_REFRESH_BEFORE_MS;
    if (cached && head?.crlNumber === cached.number && fresh(head.crlNextUpdate)) return cached;
    if (head && head.crlNumber > 0 && fresh(head.crlNextUpdate)) {
      const [row] = await this.db.orm.select({ crlDer: caState.crlDer, crlNumber: caState.crlNumber }).from(caState).where(eq(caState.id, id));
      if (row?.crlDer) return this.remember(id, this.describeCrl(row.crlDer, row.crlNumber));
    }
    return this.db.transaction(async () => {
      await this.db.lock('crl');
      // Another node may have reissued it while this one waited for the lock.
      const [again] = await this.db.orm.select().from(caState).where(eq(caState.id, id));
      if (again?.crlDer && fresh(again.crlNextUpdate)) return this.remember(id, this.describeCrl(again.crlDer, again.crlNumber));
      return this.issueCrl(id);
    });
  }

  private remember(id: number, crl: CurrentCrl): CurrentCrl {
    this.cachedCrls.set(id, crl);
    return crl;
  }

  /** Signs a new CRL of a generation (the issuing one unless named) listing every certificate it issued that is revoked (RFC 5280 §5), and stores it. */
  async issueCrl(generation?: number): Promise<CurrentCrl> {
    return this.db.transaction(() => this.issueCrlNow(generation ?? this.current.id));
  }

  private async issueCrlNow(id: number): Promise<CurrentCrl> {
    const { caState, certificates } = this.db.t;
    const ca = this.generation(id);
    if (!ca) throw new Error(`no CA generation ${id}`);
    await this.db.lock('crl');
    const revoked = await this.db.orm
      .select({ serial: certificates.serial, revokedAt: certificates.revokedAt, reason: certificates.revocationReason })
      .from(certificates)
      .where(and(isNotNull(certificates.revokedAt), eq(certificates.caId, id)));
    const [row] = await this.db.orm.select({ crlNumber: caState.crlNumber }).from(caState).where(eq(caState.id, id));
    const number = (row?.crlNumber ?? 0) + 1;
    const thisUpdate = new Date(this.now());
    const nextUpdate = new Date(thisUpdate.getTime() + CRL_VALIDITY_MS);
    const crl = await this.vault.withCryptoKey(ca.keyRef, async (signingKey, signingCrypto) =>
      x509.X509CrlGenerator.create({
        issuer: ca.certificate.subject,
        thisUpdate,
        nextUpdate,
        signingKey,
        signingAlgorithm: RSA_SIGN_ALGORITHM,
        extensions: [
          new x509.Extension(id_ce_cRLNumber, false, AsnConvert.serialize(new CRLNumber(number))),
          await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey),
        ],
        entries: revoked.map((entry) => ({
          serialNumber: entry.serial,
          revocationDate: new Date(entry.revokedAt!),
          reason: x509.X509CrlReason[(entry.reason as RevocationReason | null) ?? 'unspecified'],
        })),
      }, signingCrypto),
    );
    const der = Buffer.from(crl.rawData);
    await this.db.orm.update(caState).set({ crlNumber: number, crlDer: der, crlNextUpdate: nextUpdate.getTime() }).where(eq(caState.id, id));
    return this.remember(id, this.describeCrl(der, number));
  }

  private describeCrl(der: Buffer, number: number): CurrentCrl {
    const crl = new x509.X509Crl(new Uint8Array(der));
    const revoked = new Map<string, Date>();
    for (const entry of crl.entries) revoked.set(normaliseSerial(entry.serialNumber), entry.revocationDate);
    return { der, number, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate!, revoked };
  }
}
