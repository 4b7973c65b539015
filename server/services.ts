import path from 'node:path';
import { createAuditLog, type AuditLog } from './audit/auditLog.js';
import { CertificateAuthority } from './ca/certificateAuthority.js';
import { openDb, type Db } from './db/client.js';
import { seedDemoData } from './demo/demoData.js';
import type { Config } from './env.js';
import { createLogger, type Logger, type LogSink } from './log.js';
import { createMailer, type Mailer } from './notify/mailer.js';
import { createOutbox, noDevices, type Outbox, type PushChannel } from './notify/outbox.js';
import { ensureSystems } from './registry/systems.js';
import { createSigningService, type SigningService } from './signing/signingService.js';
import { deriveKey, loadOrCreateMasterKey } from './vault/masterKey.js';
import { createSoftVault } from './vault/softVault.js';
import type { Vault } from './vault/vault.js';

export interface Services {
  config: Config;
  db: Db;
  vault: Vault;
  ca: CertificateAuthority;
  audit: AuditLog;
  outbox: Outbox;
  signing: SigningService;
  log: Logger;
  now: () => number;
  /** True when this start created the demo data. */
  seededDemo: boolean;
  close(): void;
}

/** Builds every service over the data folder: database, vault, CA, audit, outbox, signing. */
export async function createServices(
  config: Config,
  options: { now?: () => number; logSink?: LogSink; push?: PushChannel; mailer?: Mailer; seedDemo?: boolean } = {},
): Promise<Services> {
  const now = options.now ?? Date.now;
  const log = createLogger({ level: config.logLevel, ...(options.logSink ? { sink: options.logSink } : {}) });
  const db = openDb(path.join(config.dataDir, 'roamsign.db'));
  const masterKey = loadOrCreateMasterKey(config.dataDir);
  const vault = createSoftVault({ db, masterKey, pinScryptN: config.pinScryptN });
  const audit = createAuditLog({ db, key: deriveKey(masterKey, 'audit-chain'), now });
  const ca = await CertificateAuthority.open({ db, vault, audit, publicUrl: config.publicUrl, now });
  ensureSystems(db, config.sandbox ? [new URL(config.publicUrl).origin] : []);
  const seededDemo = (options.seedDemo ?? config.sandbox) ? await seedDemoData({ db, vault, ca, audit, now }) : false;
  const mailer = options.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  const outbox = createOutbox({ db, mailer, push: options.push ?? noDevices, sandbox: config.sandbox, now });
  const signing = createSigningService({
    db,
    vault,
    ca,
    outbox,
    audit,
    otpKey: deriveKey(masterKey, 'otp-mac'),
    policy: {
      otpTtlSeconds: config.otpTtlSeconds,
      otpMaxResends: config.otpMaxResends,
      otpResendCooldownSeconds: config.otpResendCooldownSeconds,
      otpSendsPerHour: config.otpSendsPerHour,
      allowedOrigins: config.allowedOrigins,
    },
    now,
  });
  masterKey.fill(0);
  return {
    config,
    db,
    vault,
    ca,
    audit,
    outbox,
    signing,
    log,
    now,
    seededDemo,
    close() {
      mailer.close();
      db.$client.close();
    },
  };
}
