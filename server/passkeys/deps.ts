import type { AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';
import type { Config } from '../env.js';
import type { Notices } from '../notify/notices.js';
import type { Vault } from '../vault/vault.js';

/** What the passkey verbs need (registration, sign-in, management), and nothing more. */
export interface PasskeyDeps {
  db: Db;
  audit: AuditLog;
  vault: Vault;
  /** The owner is e-mailed of every change to a passkey (managePasskeys.ts). */
  notices: Notices;
  config: Pick<Config, 'publicUrl'>;
  now: () => number;
}
