import fs from 'node:fs';
import { createAuditLog, type AuditLog } from './audit/auditLog.js';
import { CertificateAuthority } from './ca/certificateAuthority.js';
import { prepareDataFolder } from './dataFolder.js';
import { ensureDemoClients, removeDemoClients } from './clients/demoClients.js';
import { startCheckpointer } from './db/checkpointer.js';
import { openDb, type Db } from './db/database.js';
import { seedDemoData } from './demo/demoData.js';
import type { Config } from './env.js';
import { createLogger, type Logger, type LogSink } from './log.js';
import { createMailer, type Mailer } from './notify/mailer.js';
import { createChallenges, type Challenges } from './enrolment/challenges.js';
import { createNotices, type Notices } from './notify/notices.js';
import { createPushHub, type PushHub } from './mobile/pushHub.js';
import { createLocalBus, createPgBus, type ClusterBus } from './cluster/bus.js';
import { checkMasterKey } from './cluster/keyCheck.js';
import { createOutbox, type Outbox, type PushChannel } from './notify/outbox.js';
import { ensureSystems } from './registry/systems.js';
import { notifyPasskeyChange } from './passkeys/managePasskeys.js';
import { relyingPartyOf } from './passkeys/relyingParty.js';
import type { SigningDeps } from './signing/deps.js';
import { deriveKey, loadOrCreateMasterKey } from './vault/masterKey.js';
import { createPkcs11Vault } from './vault/pkcs11Vault.js';
import { createSoftVault } from './vault/softVault.js';
import type { Vault } from './vault/vault.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { observeAudit } from './metrics/observeAudit.js';
import { observeOutbox, observePush } from './metrics/observeDelivery.js';
import { countStamps, countTimeStamps } from './metrics/observeTimeStamps.js';
import { observeVault } from './metrics/observeVault.js';
import { scrapeGauges } from './metrics/scrapeGauges.js';

import type { TimeStampSupplier } from './pdf/inputs.js';
import { openTimeStampAuthority, type TimeStampAuthority } from './tsa/timeStampAuthority.js';
import { embeddedTimeStamper, httpTimeStamper, type TimeStamper } from './tsa/timeStamper.js';
import { padesProfiles, type PdfDeps } from './pdfs/index.js';
export interface Services {
  config: Config;
  db: Db;
  vault: Vault;
  ca: CertificateAuthority;
  audit: AuditLog;
  outbox: Outbox;
  /** What the signing verbs (server/signing/*) need. */
  signing: SigningDeps;
  /** E-mail that is not a signing OTP (verification links, sign-in codes, approvals). */
  notices: Notices;
  /** E-mailed one-time codes for sign-in, PIN reset and device registration. */
  challenges: Challenges;
  /** GPKI Mobile live channel: devices' streams, OTP pushes and their acks. */
  pushHub: PushHub;
  /** Messages between the nodes of a cluster (PostgreSQL LISTEN/NOTIFY; in-process on SQLite). */
  bus: ClusterBus;
  mailer: Mailer;
  log: Logger;
  now: () => number;
  /** True when this start created the demo data. */
  seededDemo: boolean;
  /** PDF signing (issue 25): what the PDF verbs (server/pdfs) need. */
  pdfs: PdfDeps;
  /** Prometheus metrics (issue 24); undefined when off (nothing is counted). */
  metrics: Metrics | undefined;
  /** RoamSign's own RFC 3161 TSA (POST /tsa), whether or not signatures use it. */
  tsa: TimeStampAuthority;
  /** Where signatures' time-stamps come from: the embedded TSA or ROAMSIGN_TSA_URL (issue 20). */
  timeStamper: TimeStamper;
  close(): Promise<void>;
}

/** The DER of each certificate in a PEM file (time-stamp authorities trusted for PDF reports). */
function readPemCertificates(file: string): Uint8Array[] {
  const pem = fs.readFileSync(file, 'utf8');
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/** Builds every service over the data folder: database, vault, CA, audit, outbox, signing. */
export async function createServices(
  config: Config,
  options: {
    now?: () => number;
    logSink?: LogSink;
    push?: PushChannel;
    pushAckTimeoutMs?: number;
    mailer?: Mailer;
    seedDemo?: boolean;
    /** A time-stamp authority for PDF signatures in place of the server's own (tests, the bench), with the certificates trusted for it. */
    pdfTimeStamp?: { supplier: TimeStampSupplier; trusted: Uint8Array[] };
  } = {},
): Promise<Services> {
  const now = options.now ?? Date.now;
  const log = createLogger({ level: config.logLevel, ...(options.logSink ? { sink: options.logSink } : {}) });
  // Data at rest: folder 0700, database, WAL, SHM and master key 0600.
  const dbFile = prepareDataFolder(config.dataDir, { sqlite: config.databaseUrl === undefined });
  const db = await openDb(config.databaseUrl ?? dbFile);
  const checkpointer = db.sqlite ? startCheckpointer(db.sqlite, dbFile) : undefined;
  const masterKey = loadOrCreateMasterKey(config.dataDir);
  const keyProblem = await checkMasterKey(db, masterKey);
  if (keyProblem) {
    await db.close();
    throw new Error(`RoamSign cannot start: ${keyProblem}`);
  }
  // Issue 24: counted only when the metrics are on; off, the services are the bare ones.
  const metrics = config.metrics.enabled ? createMetrics() : undefined;
  const bareVault: Vault =
    config.vault.backend === 'pkcs11'
      ? createPkcs11Vault({
          db,
          masterKey,
          pinScryptN: config.pinScryptN,
          library: config.vault.library,
          ...(config.vault.slotLabel !== undefined ? { slotLabel: config.vault.slotLabel } : {}),
          userPin: config.vault.pin,
        })
      : createSoftVault({ db, masterKey, pinScryptN: config.pinScryptN });
  const vault = metrics ? observeVault(bareVault, metrics) : bareVault;
  const bareAudit = createAuditLog({ db, key: deriveKey(masterKey, 'audit-chain'), now });
  const audit = metrics ? observeAudit(bareAudit, metrics) : bareAudit;
  const ca = await CertificateAuthority.open({ db, vault, audit, publicUrl: config.publicUrl, now });
  const tsa = await openTimeStampAuthority({ db, vault, ca, audit, publicUrl: config.publicUrl, policy: config.tsa.policy, now });
  // The RoamSign CA is always trusted for time-stamps (the embedded TSA's tokens, also those made before a switch to an external TSA).
  const caDer = new Uint8Array(ca.certificate.rawData);
  const timeStamper: TimeStamper = config.tsa.url
    ? httpTimeStamper({
        url: config.tsa.url,
        ...(config.tsa.credentials ? { credentials: config.tsa.credentials } : {}),
        trusted: [caDer, ...(config.tsa.trustFile ? readPemCertificates(config.tsa.trustFile) : [])],
      })
    : embeddedTimeStamper(tsa, [caDer]);
  await ensureSystems(db, config.sandbox ? [new URL(config.publicUrl).origin] : []);
  const seededDemo = (options.seedDemo ?? config.sandbox) ? await seedDemoData({ db, vault, ca, audit, now }) : false;
  // API.md: the demo-* system clients exist in sandbox mode only. The CLI (seedDemo: false) leaves them be.
  if (config.sandbox) await ensureDemoClients({ db, audit, now });
  else if (options.seedDemo !== false) await removeDemoClients({ db, audit });
  const mailer = options.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  // Several nodes share PostgreSQL, and through it their messages (LISTEN/NOTIFY); one node needs no bus but itself.
  const bus =
    config.databaseUrl && db.pool
      ? await createPgBus({ url: config.databaseUrl, pool: db.pool, key: deriveKey(masterKey, 'cluster-bus'), onError: (error) => log.error('bus', { error: error.message }) })
      : createLocalBus();
  const pushHub = createPushHub({
    db,
    bus,
    now,
    onError: (error) => log.error('push', { error: error.message }),
    ...(options.pushAckTimeoutMs !== undefined ? { ackTimeoutMs: options.pushAckTimeoutMs } : {}),
  });
  // options.push replaces the hub as the outbox's push channel (outbox tests); the hub still serves /mobile.
  const push = options.push ?? pushHub;
  const bareOutbox = createOutbox({ db, mailer, push: metrics ? observePush(push, metrics) : push, sandbox: config.sandbox, now });
  const outbox = metrics ? observeOutbox(bareOutbox, metrics) : bareOutbox;
  const notices = createNotices({ db, mailer, sandbox: config.sandbox, now });
  const signing: SigningDeps = {
    db,
    vault,
    ca,
    outbox,
    audit,
    otpKey: deriveKey(masterKey, 'otp-mac'),
    onRequestEnded: (nric, requestId, outcome) => pushHub.requestEnded(nric, requestId, outcome),
    policy: {
      otpTtlSeconds: config.otpTtlSeconds,
      otpMaxResends: config.otpMaxResends,
      otpResendCooldownSeconds: config.otpResendCooldownSeconds,
      otpSendsPerHour: config.otpSendsPerHour,
      unknownSendsPerHour: config.unknownSendsPerHour,
      addressSendsPerHour: config.addressSendsPerHour,
      pendingPerCaller: config.pendingPerCaller,
      allowedOrigins: config.allowedOrigins,
      // A test hook: env.ts refuses it outside sandbox mode, and it is dropped here too.
      testSigningDelayMs: config.sandbox ? config.testSigningDelayMs : 0,
    },
    rp: relyingPartyOf(config.publicUrl),
    onPasskeySuspended: (passkey) => notifyPasskeyChange({ db, notices }, passkey, 'suspended'),
    documentProfiles: (documents) => padesProfiles(db, documents),
    ...(config.tsa.cadesLevel === 'B-T' ? { timeStamper: metrics ? countStamps(timeStamper, metrics) : timeStamper } : {}),
    now,
  };
  if (metrics) scrapeGauges({ metrics, ca, db, now });
  const timeStamp = options.pdfTimeStamp?.supplier ?? timeStamper.supplier;
  const pdfs: PdfDeps = {
    db,
    ca,
    now,
    publicUrl: config.publicUrl,
    level: config.pdf.level,
    trustedTimeStampAuthorities: [...timeStamper.trusted, ...(options.pdfTimeStamp?.trusted ?? [])],
    allowedOrigins: config.allowedOrigins,
    timeStamp: metrics ? countTimeStamps(timeStamp, metrics) : timeStamp,
  };
  const challenges = createChallenges({ db, key: deriveKey(masterKey, 'challenge-mac'), now, perHour: config.codesPerHour });
  masterKey.fill(0);
  const services: Services = {
    config,
    db,
    vault,
    ca,
    audit,
    outbox,
    signing,
    notices,
    challenges,
    pushHub,
    bus,
    mailer,
    log,
    now,
    seededDemo,
    pdfs,
    metrics,
    tsa,
    timeStamper,
    async close() {
      checkpointer?.stop();
      pushHub.close();
      await bus.close();
      mailer.close();
      vault.close?.();
      await db.close();
    },
  };
  return services;
}
