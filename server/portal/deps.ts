import type { AuditLog } from '../audit/auditLog.js';
import type { CertificateAuthority } from '../ca/certificateAuthority.js';
import type { Db } from '../db/database.js';
import type { Challenges } from '../enrolment/challenges.js';
import type { Config } from '../env.js';
import type { Notices } from '../notify/notices.js';
import type { Vault } from '../vault/vault.js';

/**
 * What the portal's verbs need (the officer and administrator portals), and nothing more: the
 * composition root (services.ts) hands its Services, which carries these among others.
 */
export interface PortalDeps {
  db: Db;
  audit: AuditLog;
  vault: Vault;
  ca: CertificateAuthority;
  notices: Notices;
  challenges: Challenges;
  config: Pick<Config, 'publicUrl' | 'codesPerHour' | 'unknownSendsPerHour' | 'addressSendsPerHour'>;
  now: () => number;
}
